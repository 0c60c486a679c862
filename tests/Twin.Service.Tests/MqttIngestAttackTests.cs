using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Data.Readers;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Service.Hosting;
using Twin.Testing;
using Twin.Testing.Api;
using Twin.Testing.Mosquitto;

namespace Twin.Service.Tests;

/// <summary>
/// The poisoning attack over a real Mosquitto: the service subscribes through the broker, an instrument publishes the
/// LG M50 file, and an anonymous client (<c>mosquitto_pub</c>) publishes between its halves a sample with the largest
/// seq, zero current and a new counter segment, a sample with <c>charge_Ah: 1e300</c> and a 5 MB message.
/// </summary>
public sealed class MqttIngestAttackTests : IAsyncLifetime
{
    private const string Topic = "twin/v1/lab/lg-m50/telemetry";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-mqtt-attack-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "experiment.yaml"), "site: lab\ncells:\n  - id: lg-m50\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n" + TestApi.Section("lg-m50"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Rogue_messages_through_mosquitto_are_rejected_visibly_and_c_li_keeps_following_the_instrument()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = MqttServiceBus.Configure(new ServeOptions(Path.Combine(_dir, "experiment.yaml"), Path.Combine(_dir, "data"), "http://127.0.0.1:0"), broker.Url, "lab");
        var app = TwinServer.Build(options, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            using var http = TestApi.Client(app);
            // The service connects and subscribes in the background (/health says degraded until then); a message
            // published before it subscribed is not queued for it by the broker.
            await Wait.UntilAsync(async () => (await (await http.GetAsync("/health")).Content.ReadAsStringAsync()).Contains("\"status\":\"healthy\"", StringComparison.Ordinal),
                "the service to be subscribed (/health healthy)");
            await using var instrument = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse(broker.Url) with { ClientId = "maccor-1" });
            var wire = EmbeddedServiceTests.LgM50Wire();
            int half = wire.Count / 2;
            async Task PublishAsync(IEnumerable<TelemetrySample> samples)
            {
                foreach (var chunk in samples.Chunk(50))
                    await instrument.PublishAsync(new BusMessage(Topic, TwinPayloads.Serialize(new TelemetryMessage { Instrument = "maccor-1", Samples = [.. chunk] })));
            }
            async Task<JsonElement> DetailAsync() => await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");

            await PublishAsync(wire.Take(half));
            await Wait.ForAsync(DetailAsync, d => CellDetailJson.LastSeq(d) == half - 1, "the first half to be applied");

            long t = wire[half - 1].TimeUnixNs + 1;
            string poison = $$"""{"schema":1,"samples":[{"seq":9223372036854775807,"time_unix_ns":{{t}},"voltage_V":3.7,"current_A":0,"charge_Ah":0,"counter_segment":7,"kind":"rest"}]}""";
            string extreme = $$"""{"schema":1,"samples":[{"seq":{{half}},"time_unix_ns":{{t}},"voltage_V":3.7,"current_A":0,"charge_Ah":1e300}]}""";
            string big = Path.Combine(_dir, "big.json");
            File.WriteAllText(big, "{\"schema\":1,\"samples\":[]}" + new string(' ', 5_000_000));
            foreach (var args in new[] { new[] { "-m", poison }, ["-m", extreme], ["-f", big] })
            {
                var r = await MosquittoClients.PublishAsync(broker, ["-V", "mqttv5", "-q", "1", "-t", Topic, .. args]);
                Assert.True(r.ExitCode == 0, r.StandardError);
            }
            var seen = await Wait.ForAsync(DetailAsync, d => d.GetProperty("rejected").GetProperty("messages").GetInt64() == 2
                && d.GetProperty("rejected").GetProperty("samples").GetInt64() == 1, "the three rogue messages to be rejected");
            var rejected = seen.GetProperty("rejected");
            Assert.Equal(1, rejected.GetProperty("samples_by_reason").GetProperty("seq_ahead").GetInt64());
            Assert.Equal(1, rejected.GetProperty("messages_by_reason").GetProperty("invalid").GetInt64());
            Assert.Equal(1, rejected.GetProperty("messages_by_reason").GetProperty("too_large").GetInt64());

            await PublishAsync(wire.Skip(half));
            var done = await Wait.ForAsync(DetailAsync, d => CellDetailJson.LastSeq(d) == wire.Count - 1, "the whole file to be applied");
            var twin = new CellTwin(CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));
            double replay = double.NaN;
            using (var reader = CyclerFileReader.Open(EmbeddedServiceTests.RepoFile("lg-m50-nmc811-maccor.txt")))
                foreach (var s in reader) replay = twin.Update(s).CLi;
            var seq = done.GetProperty("sequence");
            Assert.True(((long)wire.Count, 0L, 0L) == (seq.GetProperty("accepted").GetInt64(), seq.GetProperty("duplicates").GetInt64(), seq.GetProperty("gaps").GetInt64()),
                done.ToString());
            Assert.Equal(replay, done.GetProperty("summary").GetProperty("c_li").GetDouble());
            string metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("twin_cell_rejected_messages_total{site=\"lab\",cell=\"lg-m50\",reason=\"too_large\"} 1\n", metrics);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
