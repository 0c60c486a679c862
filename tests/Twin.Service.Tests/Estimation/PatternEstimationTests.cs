using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Data.Readers;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Hosting;
using Twin.Storage.Influx;
using Twin.Storage.LineProtocol;
using Twin.Testing;
using Twin.Testing.Influx;

namespace Twin.Service.Tests.Estimation;

/// <summary>
/// Diffraction patterns as c_Li measurements in the running service (in-process bus; the spool, and a real InfluxDB
/// where the schema is checked): the fitted file or the record's own lattice is inverted and applied under the cell's
/// lock, and the stored record says what happened.
/// </summary>
public sealed class PatternEstimationTests : IAsyncLifetime
{
    private const string Cell = "lg-m50";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-est-" + Guid.NewGuid().ToString("N")[..12]);
    private string _config = "";

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(_config, $"site: lab\ncells:\n  - id: {Cell}\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n\n" + TestApi.Section(Cell));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private async Task<(WebApplication App, InProcessBus Bus, HttpClient Http)> StartAsync(InfluxServer? influx = null)
    {
        var bus = new InProcessBus();
        var app = TwinServer.Build(new ServeOptions(_config, Path.Combine(_dir, "data"), "http://127.0.0.1:0")
        {
            Bus = bus,
            Influx = influx is null ? null : InfluxEndpoint.V1(influx.BaseUri, "twin"),
        }, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return (app, bus, TestApi.Client(app));
    }

    private static Task PublishTelemetryAsync(InProcessBus bus, IEnumerable<TelemetrySample> samples) =>
        bus.PublishAsync(new BusMessage(TwinTopics.Telemetry("lab", Cell), TwinPayloads.Serialize(new TelemetryMessage { Samples = [.. samples] }))).AsTask();

    private static Task PublishPatternAsync(InProcessBus bus, PatternRecord p) =>
        bus.PublishAsync(new BusMessage(TwinTopics.Pattern("lab", Cell), TwinPayloads.Serialize(p))).AsTask();

    private static Task WaitForSeqAsync(HttpClient http, long seq) =>
        Wait.UntilAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/cells/{Cell}"));
            return doc.RootElement.GetProperty("sequence").TryGetProperty("last_seq", out var last)
                && last.ValueKind == JsonValueKind.Number && last.GetInt64() >= seq;
        }, $"the service to apply seq {seq}");

    private static Task WaitForPatternsAsync(HttpClient http, int count) =>
        Wait.UntilAsync(async () => (await http.GetStringAsync("/metrics")).Contains($"twin_patterns_total {count}\n"), $"{count} pattern record(s) stored");

    private static PatternRecord Record(string id, long mid, string uri) => new()
    {
        PatternId = id, Seq = 1, StartUnixNs = mid - 5_000_000_000, EndUnixNs = mid + 5_000_000_000, ExposureS = 10,
        WavelengthA = 0.2066, TwoThetaMinDeg = 1, TwoThetaMaxDeg = 12, Detector = "sim-detector", Uri = uri,
    };

    /// <summary>The twin's c_Li at each of the first n samples of the LG M50 record (counting only).</summary>
    private static List<double> CountedCLi(int n)
    {
        var twin = new CellTwin(CellConfig.WithDefaults(Cell, MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));
        using var reader = CyclerFileReader.Open(EmbeddedServiceTests.RepoFile("lg-m50-nmc811-maccor.txt"));
        return [.. reader.Take(n).Select(s => twin.Update(s).CLi)];
    }

    private IReadOnlyList<LinePoint> SpoolPoints(string measurement) =>
        [.. Twin.Storage.Spool.SpoolReader.ReadPoints(Path.Combine(_dir, "data", "spool")).Where(p => p.Measurement == measurement)];

    [Fact]
    public async Task A_fitted_pattern_corrects_c_li_and_its_record_and_the_twin_points_reach_InfluxDB()
    {
        await using var influx = await InfluxServer.LaunchAsync("twin");
        var wire = EmbeddedServiceTests.LgM50Wire().Take(600).ToList();
        var counted = CountedCLi(600);
        long mid = wire[500].TimeUnixNs;
        double truth = counted[500] - 0.03; // the cell holds less lithium than counting says
        string uri = PatternFiles.Write(_dir, "xrd-0001", truth, mid - 5_000_000_000, mid + 5_000_000_000);
        var (app, bus, http) = await StartAsync(influx);
        JsonElement estimator;
        try
        {
            await PublishTelemetryAsync(bus, wire);
            await WaitForSeqAsync(http, 599);
            await PublishPatternAsync(bus, Record("xrd-0001", mid, uri));
            await PublishPatternAsync(bus, Record("xrd-0001", mid, uri)); // redelivered: not applied twice
            // Each record at its own time: InfluxDB keeps one point per series and timestamp.
            await PublishPatternAsync(bus, Record("xrd-0002", wire[510].TimeUnixNs, "file:///nonexistent/xrd-0002.xy"));
            await PublishPatternAsync(bus, Record("xrd-0003", wire[520].TimeUnixNs, "") with { AA = 2.8460, CA = 14.30 }); // c far from a: inconsistent
            await WaitForPatternsAsync(http, 3);
            using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/cells/{Cell}"));
            estimator = doc.RootElement.GetProperty("estimator").Clone();
            var state = doc.RootElement.GetProperty("summary").GetProperty("state");
            Assert.True(state.GetProperty("c_li_sigma").GetDouble() > 0);
            Assert.Equal(counted[599], state.GetProperty("c_li_counted").GetDouble(), 9);
            Assert.Equal(3, doc.RootElement.GetProperty("patterns").GetArrayLength());
            await Wait.UntilAsync(async () => Regex.IsMatch(await http.GetStringAsync("/metrics"), @"^twin_spool_pending_records 0$", RegexOptions.Multiline),
                "the spool to drain to InfluxDB");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        Assert.Equal(1, estimator.GetProperty("measurements_applied").GetInt64());

        var records = SpoolPoints("pattern").ToDictionary(p => p.GetField("pattern_id")!.Value.StringValue);
        Assert.Equal(3, records.Count);
        var fitted = records["xrd-0001"];
        Assert.Equal("fit", fitted.GetField("lattice_source")!.Value.StringValue);
        Assert.Equal("applied", fitted.GetField("fit_status")!.Value.StringValue);
        double measured = fitted.GetField("c_li_lattice")!.Value.FloatValue, sigma = fitted.GetField("c_li_lattice_sigma")!.Value.FloatValue;
        Assert.InRange(Math.Abs(measured - truth), 0, 3 * sigma);
        Assert.Equal(counted[500], fitted.GetField("c_li_counted")!.Value.FloatValue, 9);
        Assert.True(fitted.GetField("a_A")!.Value.FloatValue > 2.8 && fitted.GetField("a_sigma_A")!.Value.FloatValue > 0);
        Assert.True(fitted.GetField("c_A")!.Value.FloatValue > 14 && fitted.GetField("c_sigma_A")!.Value.FloatValue > 0);
        // The estimate moved from counting towards the measurement.
        double estimate = fitted.GetField("c_li_estimate")!.Value.FloatValue;
        Assert.True(estimate < counted[599] - 0.005, $"estimate {estimate} vs counted {counted[599]}");
        Assert.Equal(estimate, estimator.GetProperty("c_li").GetDouble(), 9);

        var unreadable = records["xrd-0002"];
        Assert.Equal("unreadable", unreadable.GetField("fit_status")!.Value.StringValue);
        Assert.Contains("xrd-0002.xy", unreadable.GetField("fit_reason")!.Value.StringValue);
        Assert.Null(unreadable.GetField("c_li_lattice"));
        var given = records["xrd-0003"];
        Assert.Equal("record", given.GetField("lattice_source")!.Value.StringValue);
        Assert.Equal("not_invertible", given.GetField("fit_status")!.Value.StringValue);
        Assert.Null(given.GetField("c_li_lattice"));

        // The same in the real InfluxDB: the twin measurement's new fields and the pattern record.
        var twin = await influx.QueryRowsAsync("SELECT last(\"c_li_sigma\") AS s, last(\"c_li_counted\") AS n, last(\"c_li_low\") AS low, last(\"c_li\") AS c FROM \"twin\"");
        Assert.True(twin[0].GetDouble("s") > 0);
        Assert.Equal(counted[599], twin[0].GetDouble("n")!.Value, 9);
        Assert.True(twin[0].GetDouble("low") < twin[0].GetDouble("c"));
        var flags = await influx.QueryRowsAsync("SELECT \"c_li_out_of_range\", \"lattice_extrapolated\" FROM \"twin\" LIMIT 1");
        Assert.Equal(JsonValueKind.False, flags[0].Values["c_li_out_of_range"].ValueKind);
        var stored = await influx.QueryRowsAsync("SELECT \"fit_status\", \"c_li_lattice\", \"c_li_estimate\" FROM \"pattern\" WHERE \"pattern_id\" = 'xrd-0001'");
        Assert.Equal("applied", stored.Single().GetString("fit_status"));
        Assert.Equal(measured, stored.Single().GetDouble("c_li_lattice")!.Value, 9);
    }

    [Fact]
    public async Task A_pattern_ahead_of_its_samples_waits_and_is_applied_when_they_arrive_also_across_a_restart()
    {
        var wire = EmbeddedServiceTests.LgM50Wire().Take(800).ToList();
        var counted = CountedCLi(800);
        long mid = wire[700].TimeUnixNs;
        string uri = PatternFiles.Write(_dir, "xrd-0100", counted[700] - 0.03, mid - 5_000_000_000, mid + 5_000_000_000);
        var (app, bus, http) = await StartAsync();
        try
        {
            await PublishTelemetryAsync(bus, wire.Take(600));
            await WaitForSeqAsync(http, 599);
            await PublishPatternAsync(bus, Record("xrd-0100", mid, uri));
            await WaitForPatternsAsync(http, 1);
            using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/cells/{Cell}"));
            Assert.Equal(1, doc.RootElement.GetProperty("estimator").GetProperty("pending_patterns").GetInt32());
            Assert.Equal(0, doc.RootElement.GetProperty("estimator").GetProperty("measurements_applied").GetInt64());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        // The waiting record is in the checkpoint: a restarted service applies it when the samples reach mid-exposure.
        (app, bus, http) = await StartAsync();
        try
        {
            await PublishTelemetryAsync(bus, wire.Skip(600));
            await WaitForSeqAsync(http, 799);
            using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/cells/{Cell}"));
            var est = doc.RootElement.GetProperty("estimator");
            Assert.Equal(0, est.GetProperty("pending_patterns").GetInt32());
            Assert.Equal(1, est.GetProperty("measurements_applied").GetInt64());
            Assert.Equal("applied", doc.RootElement.GetProperty("patterns")[0].GetProperty("fit_status").GetString());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        var points = SpoolPoints("pattern");
        Assert.Equal(["awaiting_samples", "applied"], points.Select(p => p.GetField("fit_status")!.Value.StringValue));
        Assert.All(points, p => Assert.Equal(mid, p.TimestampNs)); // one InfluxDB point: the later fields overwrite the earlier
        Assert.Equal(counted[700], points[1].GetField("c_li_counted")!.Value.FloatValue, 9);
    }
}
