using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Hosting;
using Twin.Testing;
using Twin.Testing.Api;

namespace Twin.Service.Tests;

/// <summary>The service on its embedded default (in-process bus, local spool) behind real Kestrel on loopback.</summary>
public sealed class EmbeddedServiceTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-svc-" + Guid.NewGuid().ToString("N"));
    private string _config = "";

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(_config, """
            site: lab
            cells:
              - id: lg-m50
                material: NMC811
                q_li_Ah: 8.732
                c_li0: 0.80

            """ + TestApi.Section("lg-m50"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    internal static string RepoFile(string name)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Twin.sln"))) d = d.Parent;
        return Path.Combine(d!.FullName, "samples", name);
    }

    internal static List<TelemetrySample> LgM50Wire()
    {
        const long start = 1_607_689_332_000_000_000; // 2020-12-11 12:22:12 UTC
        using var reader = CyclerFileReader.Open(RepoFile("lg-m50-nmc811-maccor.txt"));
        long seq = 0;
        return reader.Select(s => new TelemetrySample
        {
            Seq = seq++,
            TimeUnixNs = start + (long)Math.Round(s.TimeS * 1e9),
            VoltageV = s.VoltageV,
            CurrentA = s.CurrentA,
            ChargeAh = s.HasChargeCounter ? s.ChargeCounterAh : null,
            CounterSegment = s.CounterSegment,
            Step = s.Step,
            Kind = s.Kind.Name(),
        }).ToList();
    }

    internal static List<(string From, string To, int Step)> ReplayTransitions()
    {
        var twin = new CellTwin(CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));
        using var reader = CyclerFileReader.Open(RepoFile("lg-m50-nmc811-maccor.txt"));
        var list = new List<(string, string, int)>();
        foreach (var s in reader)
        {
            var o = twin.Update(s);
            if (o.ZoneChanged) list.Add((o.PreviousZone.Name(), o.Zone.Name(), o.Step));
        }
        return list;
    }

    private async Task<(WebApplication App, InProcessBus Bus, HttpClient Http)> StartAsync(long spoolMaxBytes = 1L << 30)
    {
        var bus = new InProcessBus();
        var app = TwinServer.Build(new ServeOptions(_config, Path.Combine(_dir, "data"), "http://127.0.0.1:0") { Bus = bus, SpoolMaxBytes = spoolMaxBytes },
            l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var http = TestApi.Client(app);
        return (app, bus, http);
    }

    private static Task WaitForSeqAsync(HttpClient http, long seq) =>
        Wait.UntilAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/cells/lg-m50"));
            return CellDetailJson.LastSeq(doc.RootElement) >= seq;
        }, $"the service to apply seq {seq}");

    [Fact]
    public async Task Live_ingest_matches_replay_and_a_restart_resumes_exactly()
    {
        var wire = LgM50Wire();
        int half = wire.Count / 2;
        var (app, bus, http) = await StartAsync();
        var transitions = new List<ZoneTransitionPayload>();
        await using (await bus.SubscribeAsync("twin/v1/lab/lg-m50/alarm", QualityOfService.AtLeastOnce, (m, _) =>
        {
            Collect(JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.AlarmPayload)!, transitions);
            return ValueTask.CompletedTask;
        }))
        {
            foreach (var chunk in wire.Take(half).Chunk(10))
                await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/telemetry", TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. chunk] })));
            await WaitForSeqAsync(http, half - 1);
            var before = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            double cLiAtHalf = before.GetProperty("summary").GetProperty("c_li").GetDouble();
            await app.StopAsync();
            await app.DisposeAsync();

            // A new process on the same data directory resumes; redelivered samples are dropped.
            (app, bus, http) = await StartAsync();
            var resumed = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            Assert.Equal(cLiAtHalf, resumed.GetProperty("summary").GetProperty("c_li").GetDouble());
            Assert.Equal(half - 1, resumed.GetProperty("sequence").GetProperty("last_seq").GetInt64());
            await using var sub2 = await bus.SubscribeAsync("twin/v1/lab/lg-m50/alarm", QualityOfService.AtLeastOnce, (m, _) =>
            {
                Collect(JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.AlarmPayload)!, transitions);
                return ValueTask.CompletedTask;
            });
            foreach (var chunk in wire.Skip(half - 100).Chunk(10))
                await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/telemetry", TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. chunk] })));
            await WaitForSeqAsync(http, wire.Count - 1);
            var detail = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            Assert.Equal(100, detail.GetProperty("sequence").GetProperty("duplicates").GetInt64());
            await Wait.UntilAsync(() => { lock (transitions) return transitions.Count >= ReplayTransitions().Count; }, "the alarm messages of every zone transition",
                observed: () => { lock (transitions) return $"{transitions.Count} transitions"; });
        }
        var expected = ReplayTransitions();
        lock (transitions) Assert.Equal(expected, transitions.OrderBy(t => t.TimeUnixNs).Select(t => (t.From, t.To, t.Step)));

        var history = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50/history");
        Assert.Equal(4, history.GetProperty("cycles").EnumerateArray().Count(c => c.GetProperty("first_crossing_step").GetInt32() > 0));
        // the lithium inventory: a row per cycle, the ends of charge as in the cycle metrics, the lithium lost between
        // consecutive ends of discharge, and no diagnosis without a measurement (this cell has no patterns)
        var cycles = history.GetProperty("cycles").EnumerateArray().ToList();
        var inventory = history.GetProperty("inventory").EnumerateArray().ToList();
        Assert.Equal(cycles.Select(c => c.GetProperty("cycle").GetInt32()), inventory.Select(r => r.GetProperty("cycle").GetInt32()));
        double? previousHigh = null;
        for (int k = 0; k < cycles.Count; k++)
        {
            var r = inventory[k];
            Assert.Equal(Number(cycles[k], "end_of_charge_c_li"), Number(r, "end_of_charge_c_li"));
            double? high = Number(r, "end_of_discharge_c_li");
            Assert.Equal(previousHigh is { } p && high is { } h ? p - h : null, Number(r, "lost_c_li"));
            if (high is not null) previousHigh = high;
            Assert.Equal("no_measurement", r.GetProperty("diagnosis").GetString());
        }
        Assert.Equal(4, inventory.Count(r => Number(r, "end_of_charge_c_li") is not null));
        var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        string metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("twin_samples_total", metrics);
        Assert.Contains("twin_spool_pending_records " + (2 * wire.Count + expected.Count), metrics);
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static double? Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static async Task<long> StoreErrorsAsync(HttpClient http)
    {
        string line = (await http.GetStringAsync("/metrics")).Split('\n').Single(l => l.StartsWith("twin_store_errors_total ", StringComparison.Ordinal));
        return long.Parse(line["twin_store_errors_total ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every alarm message carries the recent transitions; gathers them without repeats.</summary>
    internal static void Collect(AlarmPayload alarm, List<ZoneTransitionPayload> into)
    {
        lock (into)
        {
            foreach (var t in alarm.Recent)
                if (!into.Contains(t)) into.Add(t);
        }
    }

    [Fact]
    public async Task A_full_spool_stops_ingest_without_dropping_and_health_says_so()
    {
        var (app, bus, http) = await StartAsync(spoolMaxBytes: 256 * 1024);
        try
        {
            var wire = LgM50Wire();
            // The messages wait in the cell's queue (publishers would wait once it is full): nothing is dropped.
            var publishing = Task.Run(async () =>
            {
                foreach (var chunk in wire.Chunk(20))
                    await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/telemetry", TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. chunk] })));
            });
            var health = await Wait.ForAsync(() => http.GetAsync("/health"), h => h.StatusCode == HttpStatusCode.ServiceUnavailable, "/health to report 503");
            Assert.Contains("spool full", await health.Content.ReadAsStringAsync());
            var first = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            long seq = first.GetProperty("sequence").GetProperty("last_seq").GetInt64();
            long errors = await StoreErrorsAsync(http);
            await Wait.UntilAsync(async () => await StoreErrorsAsync(http) >= errors + 2, "the cell to retry storing twice more");
            var later = await http.GetFromJsonAsync<JsonElement>("/api/cells/lg-m50");
            // The cell waits on the batch it could not store: it does not move on past it.
            Assert.Equal(seq, later.GetProperty("sequence").GetProperty("last_seq").GetInt64());
            Assert.True(seq < wire.Count - 1);
            Assert.DoesNotContain("twin_store_errors_total 0\n", await http.GetStringAsync("/metrics"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_pattern_record_is_stored_with_c_li_at_mid_exposure()
    {
        var (app, bus, http) = await StartAsync();
        var wire = LgM50Wire().Take(600).ToList();
        try
        {
            await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/telemetry", TwinPayloads.Serialize(new TelemetryMessage { Samples = wire })));
            await WaitForSeqAsync(http, 599);
            // Mid-exposure between samples 500 and 501: c_Li interpolated between theirs.
            long mid = (wire[500].TimeUnixNs + wire[501].TimeUnixNs) / 2;
            var pattern = new PatternRecord
            {
                PatternId = "xrd-0001", Seq = 1, StartUnixNs = mid - 5_000_000_000, EndUnixNs = mid + 5_000_000_000, ExposureS = 10,
                WavelengthA = 0.1771, TwoThetaMinDeg = 1, TwoThetaMaxDeg = 12, Detector = "pilatus", Uri = "file:///data/xrd-0001.xy",
            };
            await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/pattern", TwinPayloads.Serialize(pattern)));
            await bus.PublishAsync(new BusMessage("twin/v1/lab/lg-m50/pattern", System.Text.Encoding.UTF8.GetBytes("{\"schema\":1}")));
            await Wait.UntilAsync(async () => (await http.GetStringAsync("/metrics")).Contains("twin_patterns_total 1"), "the pattern record counted");
            Assert.Contains("twin_rejected_messages_total 1", await http.GetStringAsync("/metrics"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        var point = Twin.Storage.Spool.SpoolReader.ReadPoints(Path.Combine(_dir, "data", "spool")).Single(p => p.Measurement == "pattern");
        var fields = point.Fields.ToDictionary(f => f.Key);
        var twin = new CellTwin(CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));
        using var reader = CyclerFileReader.Open(RepoFile("lg-m50-nmc811-maccor.txt"));
        var cli = reader.Take(502).Select(s => twin.Update(s).CLi).ToList();
        double expected = (cli[500] + cli[501]) / 2;
        Assert.Equal(expected, fields["c_li_mid"].FloatValue, 9);
        Assert.Equal("xrd-0001", fields["pattern_id"].StringValue);
    }

    [Fact]
    public async Task Bad_telemetry_is_refused_with_the_field_named_and_unknown_cells_are_404()
    {
        var (app, _, http) = await StartAsync();
        try
        {
            var bad = await http.PostAsync("/api/cells/lg-m50/telemetry", new StringContent("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"current_A":1}]}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("voltage_V is missing", await bad.Content.ReadAsStringAsync());
            var ok = await http.PostAsync("/api/cells/lg-m50/telemetry", new StringContent("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":3.5,"current_A":1}]}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/cells/nope")).StatusCode);
            string metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("twin_rejected_messages_total 1", metrics);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
