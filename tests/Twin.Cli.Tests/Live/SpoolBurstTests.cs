using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Storage.Spool;
using Twin.Testing;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// A burst through the real service path: many cells, large batches, a real <c>twin serve</c> process (with its
/// 256 MiB heap limit) on a real Mosquitto, spool on disk. Every sample the service acknowledged must be in the
/// spool exactly once, and each cell's checkpoint must not claim a sample the spool lacks. (Before the inbound
/// budget and the split connections, this burst filled the heap: out-of-memory errors in the handlers, whose
/// messages were acknowledged all the same and dropped as duplicates on redelivery, and a reconnect storm.)
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class SpoolBurstTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    [Fact]
    public async Task A_burst_of_large_batches_from_many_cells_reaches_the_spool_in_full()
    {
        const int cells = 24, messages = 10, perMessage = 5_000;
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { ExtraConfig = ["max_inflight_messages 1000", "max_queued_messages 1000000"] });
        string dir = Repo.TempDir("burst");
        Process? serve = null;
        try
        {
            string config = Path.Combine(dir, "experiment.yaml");
            var yaml = new StringBuilder("site: lab\ncells:\n");
            for (int c = 0; c < cells; c++)
                yaml.Append(CultureInfo.InvariantCulture, $"  - id: c{c}\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n");
            var reader = Twin.Service.Security.ApiTokens.Create();
            yaml.Append(CultureInfo.InvariantCulture, $"api:\n  tokens:\n    - {{ name: test-reader, cells: [], hash: \"{reader.Hash}\" }}\n");
            File.WriteAllText(config, yaml.ToString());
            string api = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
            string data = Path.Combine(dir, "data");
            serve = _twin.Start(["serve", "--config", config, "--mqtt", broker.Url, "--data-dir", data, "--urls", api, "--no-dashboard"], "serve");
            using var http = new HttpClient { BaseAddress = new Uri(api) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", reader.Token);
            await TwinProcesses.WaitHealthyAsync(http);

            var clock = Stopwatch.StartNew();
            await using (var publisher = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse(broker.Url) with { ClientId = "burst", MaxInflight = 500 }))
            {
                var sends = new List<Task>();
                for (int c = 0; c < cells; c++)
                {
                    int cell = c;
                    sends.Add(Task.Run(async () =>
                    {
                        for (int m = 0; m < messages; m++)
                        {
                            var payload = TwinPayloads.Serialize(Batch(m * perMessage, perMessage));
                            await publisher.PublishAsync(new BusMessage(TwinTopics.Telemetry("lab", $"c{cell}"), payload, QualityOfService.AtLeastOnce));
                        }
                    }));
                }
                await Task.WhenAll(sends);
            }
            _twin.Log($"published {cells * messages * perMessage:N0} samples in {clock.Elapsed.TotalSeconds:0.0} s");
            long last = messages * perMessage - 1;
            await Wait.UntilAsync(async () => await AllAtAsync(http, cells, last), $"every cell to apply seq {last}", TimeSpan.FromMinutes(10),
                () => TwinProcesses.TryGetAsync(http, "/health").Result ?? "no answer");
            _twin.Log($"applied after {clock.Elapsed.TotalSeconds:0.0} s; health: {await TwinProcesses.TryGetAsync(http, "/health")}");
            for (int c = 0; c < cells; c++)
            {
                var sequence = (await http.GetFromJsonAsync<JsonElement>($"/api/cells/c{c}")).GetProperty("sequence");
                Assert.Equal(0, sequence.GetProperty("gaps").GetInt64());
                Assert.Equal(last, sequence.GetProperty("last_seq").GetInt64());
            }
            ProcessSignals.Terminate(serve);
            await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

            var seen = new Dictionary<string, HashSet<long>>();
            long duplicates = 0;
            foreach (var p in SpoolReader.ReadPoints(Path.Combine(data, "spool")))
            {
                if (p.Measurement != "telemetry") continue;
                string cell = p.Tags.First(t => t.Key == "cell").Value;
                long seq = p.Fields.First(f => f.Key == "seq").IntegerValue;
                if (!seen.TryGetValue(cell, out var set)) seen[cell] = set = [];
                if (!set.Add(seq)) duplicates++;
            }
            long stored = seen.Values.Sum(s => (long)s.Count);
            _twin.Log($"spool holds {stored:N0} of {cells * messages * perMessage:N0} samples, {duplicates} duplicates");
            Assert.Equal((long)cells * messages * perMessage, stored);
            Assert.Equal(0, duplicates);
        }
        finally
        {
            if (serve is { HasExited: false })
            {
                serve.Kill();
                await serve.WaitForExitAsync();
            }
            Directory.Delete(dir, true);
        }
    }

    private static TelemetryMessage Batch(long firstSeq, int count)
    {
        const long start = 1_700_000_000_000_000_000;
        var samples = new List<TelemetrySample>(count);
        for (int i = 0; i < count; i++)
        {
            long seq = firstSeq + i;
            samples.Add(new TelemetrySample
            {
                Seq = seq,
                TimeUnixNs = start + seq * 100_000_000,
                VoltageV = 3.7 + 1e-6 * (seq % 1000),
                CurrentA = 0.5,
                ChargeAh = seq * 0.5 * 0.1 / 3600,
                Step = 1,
                Kind = "charge",
            });
        }
        return new TelemetryMessage { Instrument = "burst", Samples = samples };
    }

    private static async Task<bool> AllAtAsync(HttpClient http, int cells, long seq)
    {
        string? json = await TwinProcesses.TryGetAsync(http, "/api/cells");
        if (json is null) return false;
        using var doc = JsonDocument.Parse(json);
        int done = 0;
        foreach (var c in doc.RootElement.EnumerateArray())
            if (c.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.Object && state.GetProperty("seq").GetInt64() >= seq) done++;
        return done == cells;
    }
}
