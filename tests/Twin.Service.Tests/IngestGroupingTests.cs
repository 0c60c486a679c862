using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Service.Hosting;
using Twin.Service.Ingest;
using Twin.Service.Metrics;
using Twin.Testing;
using Twin.Testing.Mosquitto;

namespace Twin.Service.Tests;

/// <summary>
/// Messages of one cell that arrive while the cell is busy are stored as one group behind it (one storage write, one
/// checkpoint), each applied once and in order, each acknowledged only after the group is durable.
/// </summary>
public sealed class IngestGroupingTests : IDisposable
{
    private readonly string _dir = RepoPaths.TempDir("ingest-group");

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task Messages_queued_behind_a_busy_cell_are_stored_together_once_each_in_order()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { ExtraConfig = ["max_inflight_messages 1000"] });
        string config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(config, "site: lab\ncells:\n  - id: c1\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n" + TestApi.Section("c1"));
        var options = MqttServiceBus.Configure(new ServeOptions(config, Path.Combine(_dir, "data"), "http://127.0.0.1:0"), broker.Url, "lab");
        var app = TwinServer.Build(options, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            using var http = TestApi.Client(app);
            await Wait.UntilAsync(async () => (await (await http.GetAsync("/health")).Content.ReadAsStringAsync()).Contains("\"status\":\"healthy\"", StringComparison.Ordinal),
                "the service to be subscribed (/health healthy)");
            var service = app.Services.GetRequiredService<TwinIngestService>();
            var metrics = app.Services.GetRequiredService<ServiceMetrics>();
            var cell = service.Find("c1")!;
            var wire = EmbeddedServiceTests.LgM50Wire().Take(200).ToList();

            // The cell is busy (as while a group is being stored): every message published now waits for it, the first
            // at the cell, the others in the subscription's queue.
            await cell.Lock.WaitAsync();
            long groupsBefore = metrics.IngestGroups;
            const string topic = "twin/v1/lab/c1/telemetry";
            var payloads = wire.Select(s => TwinPayloads.Serialize(new TelemetryMessage { Samples = [s] })).ToList();
            var subscriber = ((MqttBusPair)options.Bus!).Subscriber;
            await using var instrument = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse(broker.Url) with { ClientId = "smu-1" });
            foreach (var p in payloads) await instrument.PublishAsync(new BusMessage(topic, p));
            long all = payloads.Sum(p => (long)p.Length + topic.Length);
            await Wait.UntilAsync(() => cell.MessagesWaiting > 0 && subscriber.InboundBytes == all, "every message to reach the service and wait for the busy cell",
                observed: () => $"{cell.MessagesWaiting} at the cell, {subscriber.InboundBytes} of {all} bytes received");
            Assert.Equal(0, cell.Snapshot.Sequence.Accepted); // nothing applied (nor acknowledged) while the cell is busy
            cell.Lock.Release();
            await Wait.UntilAsync(() => subscriber.InboundBytes == 0, "every message to be handled", observed: () => $"{subscriber.InboundBytes} bytes unhandled");

            var seq = (await http.GetFromJsonAsync<JsonElement>("/api/cells/c1")).GetProperty("sequence");
            Assert.Equal((200L, 0L, wire[^1].Seq), (seq.GetProperty("accepted").GetInt64(), seq.GetProperty("duplicates").GetInt64(), seq.GetProperty("last_seq").GetInt64()));
            // The messages that waited at the cell, then every message queued behind them: two groups (two storage writes,
            // two checkpoints), not 200 storage round trips one after the other.
            Assert.InRange(metrics.IngestGroups - groupsBefore, 1, 2);
            Assert.Equal(0, cell.MessagesWaiting);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
