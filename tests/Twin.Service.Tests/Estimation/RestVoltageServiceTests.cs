using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.RestVoltage;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Hosting;
using Twin.Testing;

namespace Twin.Service.Tests.Estimation;

/// <summary>Rest voltages as c_Li measurements in the running service, and c_Li leaving [0, 1] flagged.</summary>
public sealed class RestVoltageServiceTests : IAsyncLifetime
{
    private const long Start = 1_750_000_000_000_000_000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-rest-" + Guid.NewGuid().ToString("N")[..12]);

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private async Task<(WebApplication App, InProcessBus Bus, HttpClient Http)> StartAsync(string cellYaml)
    {
        string config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(config, "site: lab\ncells:\n" + cellYaml + "\n" + TestApi.Section("c1"));
        var bus = new InProcessBus();
        var app = TwinServer.Build(new ServeOptions(config, Path.Combine(_dir, "data"), "http://127.0.0.1:0") { Bus = bus },
            l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return (app, bus, TestApi.Client(app));
    }

    private static async Task FeedAsync(InProcessBus bus, HttpClient http, List<TelemetrySample> samples)
    {
        await bus.PublishAsync(new BusMessage(TwinTopics.Telemetry("lab", "c1"), TwinPayloads.Serialize(new TelemetryMessage { Samples = samples })));
        await Wait.UntilAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/cells/c1"));
            return doc.RootElement.GetProperty("sequence").TryGetProperty("last_seq", out var last)
                && last.ValueKind == JsonValueKind.Number && last.GetInt64() >= samples[^1].Seq;
        }, "the samples applied");
    }

    private static TelemetrySample Sample(long seq, double timeS, double v, double i, string kind) =>
        new() { Seq = seq, TimeUnixNs = Start + (long)(timeS * 1e9), VoltageV = v, CurrentA = i, Kind = kind };

    [Fact]
    public async Task A_relaxed_rest_of_a_half_cell_corrects_c_li_through_the_cathode_table()
    {
        var (app, bus, http) = await StartAsync("  - id: c1\n    material: NMC811\n    q_li_Ah: 5.0\n    c_li0: 0.50\n    counter_electrode: li_metal\n");
        // 10 min of charge at C/5, then 70 min at rest at a constant 3.90 V, then the next charge begins.
        var samples = new List<TelemetrySample>();
        long seq = 0;
        for (int t = 0; t <= 600; t += 10) samples.Add(Sample(seq++, t, 3.85, 1.0, "charge"));
        for (int t = 610; t <= 4800; t += 10) samples.Add(Sample(seq++, t, 3.90, 0, "rest"));
        samples.Add(Sample(seq++, 4810, 3.92, 1.0, "charge"));
        JsonElement est;
        try
        {
            await FeedAsync(bus, http, samples);
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/cells/c1"));
            est = doc.RootElement.GetProperty("estimator").Clone();
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        var config = CellConfig.WithDefaults("c1", MaterialCatalog.Default.Get("NMC811"), 5.0, 0.50) with { CounterElectrode = CounterElectrode.LiMetal };
        var expected = RestVoltageInversion.ForCell(config).Invert(0, 3.90, 0, 0);
        Assert.True(expected.HasMeasurement, expected.Reason);

        var rest = Twin.Storage.Spool.SpoolReader.ReadPoints(Path.Combine(_dir, "data", "spool")).Single(p => p.Measurement == "rest");
        Assert.Equal("relaxed", rest.GetField("outcome")!.Value.StringValue);
        Assert.Equal(3.90, rest.GetField("voltage_V")!.Value.FloatValue, 6);
        Assert.Equal(expected.CLi, rest.GetField("c_li_rest")!.Value.FloatValue, 4);
        Assert.Contains(rest.GetField("status")!.Value.StringValue, new[] { "applied", "gated_inflated" });
        Assert.Equal(1, est.GetProperty("measurements_applied").GetInt64());
        // Counting alone says 0.50 − 0.167 A·h / 5 A·h ≈ 0.467; the estimate has moved to the rest's c_Li.
        double countedNow = est.GetProperty("c_li_counted").GetDouble(), estimate = est.GetProperty("c_li").GetDouble();
        Assert.True(Math.Abs(estimate - expected.CLi) < Math.Abs(countedNow - expected.CLi) / 2,
            $"estimate {estimate}, counted {countedNow}, rest {expected.CLi}");
    }

    [Fact]
    public async Task Without_a_counter_electrode_no_rest_point_is_made_and_c_li_beyond_1_is_flagged_out_of_range()
    {
        var (app, bus, http) = await StartAsync("  - id: c1\n    material: NMC811\n    q_li_Ah: 0.01\n    c_li0: 0.95\n");
        var samples = new List<TelemetrySample>();
        long seq = 0;
        for (int t = 0; t <= 3600; t += 10) samples.Add(Sample(seq++, t, 3.6, 0, "rest"));
        for (int t = 3610; t <= 3700; t += 10) samples.Add(Sample(seq++, t, 3.5, -0.1, "discharge")); // 0.00028 A·h: +0.028 per 10 s
        JsonElement state;
        try
        {
            await FeedAsync(bus, http, samples);
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/cells/c1"));
            state = doc.RootElement.GetProperty("summary").GetProperty("state").Clone();
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        Assert.True(state.GetProperty("c_li").GetDouble() > 1.1);
        Assert.True(state.GetProperty("c_li_out_of_range").GetBoolean());
        Assert.True(state.GetProperty("lattice_extrapolated").GetBoolean());
        var points = Twin.Storage.Spool.SpoolReader.ReadPoints(Path.Combine(_dir, "data", "spool")).ToList();
        Assert.DoesNotContain(points, p => p.Measurement == "rest");
        var twin = points.Where(p => p.Measurement == "twin").ToList();
        Assert.False(twin[0].GetField("c_li_out_of_range")!.Value.BooleanValue);
        Assert.True(twin[^1].GetField("c_li_out_of_range")!.Value.BooleanValue);
    }
}
