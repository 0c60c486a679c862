using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Service.Hosting;
using Twin.Storage.Spool;
using Twin.Testing;
using Twin.Testing.Mosquitto;

namespace Twin.Service.Tests;

/// <summary>
/// A Mosquitto whose ACL lets the service read telemetry but not write the twin's state: the samples are stored once,
/// the messages complete (a redelivery would be refused again), and nothing is counted as a duplicate.
/// </summary>
public sealed class MqttStateRefusedTests : IDisposable
{
    private readonly string _dir = RepoPaths.TempDir("state-refused");

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task A_state_the_broker_refuses_leaves_the_samples_stored_once_and_the_messages_complete()
    {
        const string acl = """
            user twin-service
            topic read twin/v1/lab/+/telemetry
            topic read twin/v1/lab/+/pattern
            topic write twin/v1/lab/status/#

            user drive-beamline
            topic write twin/v1/lab/c1/telemetry
            """;
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            Users = new Dictionary<string, string> { ["twin-service"] = "pw", ["drive-beamline"] = "pw" },
            Acl = acl,
        });
        string config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(config, "site: lab\ncells:\n  - id: c1\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n" + TestApi.Section("c1"));
        string data = Path.Combine(_dir, "data");
        var options = MqttServiceBus.Configure(new ServeOptions(config, data, "http://127.0.0.1:0"), $"mqtt://twin-service:pw@{broker.Host}:{broker.Port}", "lab");
        var app = TwinServer.Build(options, l => l.SetMinimumLevel(LogLevel.Critical));
        await app.StartAsync();
        var wire = EmbeddedServiceTests.LgM50Wire().Take(500).ToList();
        try
        {
            using var http = TestApi.Client(app);
            await Wait.UntilAsync(async () => (await (await http.GetAsync("/health")).Content.ReadAsStringAsync()).Contains("\"status\":\"healthy\"", StringComparison.Ordinal),
                "the service to be subscribed (/health healthy)");
            await using var instrument = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse($"mqtt://drive-beamline:pw@{broker.Host}:{broker.Port}") with { ClientId = "smu-1" });
            foreach (var chunk in wire.Chunk(50))
                await instrument.PublishAsync(new BusMessage("twin/v1/lab/c1/telemetry", TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. chunk] })));
            var cell = await Wait.ForAsync(() => http.GetFromJsonAsync<JsonElement>("/api/cells/c1"),
                d => d.TryGetProperty("sequence", out var q) && q.TryGetProperty("last_seq", out var last) && last.ValueKind == JsonValueKind.Number && last.GetInt64() == wire[^1].Seq,
                "every sample to be applied");
            var seq = cell.GetProperty("sequence");
            Assert.Equal((500L, 0L), (seq.GetProperty("accepted").GetInt64(), seq.GetProperty("duplicates").GetInt64()));
            Assert.Contains("twin_states_published_total 0\n", await http.GetStringAsync("/metrics"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        var stored = SpoolReader.ReadPoints(Path.Combine(data, "spool")).Where(p => p.Measurement == "telemetry").Select(p => p.GetField("seq")!.Value.IntegerValue).ToList();
        Assert.Equal(wire.Select(s => s.Seq), stored);
    }
}
