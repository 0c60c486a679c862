using System.Globalization;
using System.Text.Json;
using Twin.Cli.Replay;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Data.Readers;

namespace Twin.Cli.Tests;

/// <summary>
/// The acceptance numbers on the shipped LG M50 NMC811 Maccor file with the cell parameters of
/// docs/model.md §1 (Q_Li = 8.732 A·h, c_Li = 0.80 at the start, on the normalisation of Chen et al. 2020).
/// </summary>
public sealed class LgM50ReplayTests : IClassFixture<LgM50ReplayTests.Replayed>
{
    public sealed class Replayed : IDisposable
    {
        public Replayed()
        {
            Dir = Repo.TempDir("lgm50");
            var cell = CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80);
            Result = ReplayRunner.Run(new ReplayRequest(Repo.LgM50, cell, ReaderOptions.Default, Dir));
        }

        public string Dir { get; }

        internal ReplayResult Result { get; }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    private readonly Replayed _r;

    public LgM50ReplayTests(Replayed r) => _r = r;

    [Fact]
    public void First_charge_reaches_a_minimum_c_li_of_0_355()
    {
        var first = _r.Result.Cycles.Single(c => c.Cycle == 1);
        Assert.InRange(first.MinCLi, 0.345, 0.365);
    }

    [Fact]
    public void First_crossing_below_0_40_is_in_the_constant_voltage_hold()
    {
        var first = _r.Result.Cycles.Single(c => c.Cycle == 1);
        Assert.True(first.CrossedCritical);
        Assert.Equal(5, first.FirstCrossingStep);
        Assert.InRange(first.FirstCrossingVoltageV, 4.19, 4.21);
    }

    [Fact]
    public void Four_charges_cross_in_all()
    {
        Assert.Equal(4, _r.Result.Cycles.Count(c => c.Cycle > 0 && c.CrossedCritical));
        Assert.Equal([0, 1, 2, 3, 4], _r.Result.Cycles.Select(c => c.Cycle));
        Assert.False(_r.Result.Cycles[0].CrossedCritical);
    }

    [Fact]
    public void Samples_csv_has_one_row_per_sample_with_the_exact_columns()
    {
        var lines = File.ReadLines(Path.Combine(_r.Dir, "samples.csv")).ToList();
        Assert.Equal("time_s,voltage_V,current_A,charge_Ah,c_li,a_A,c_A,d_il_A,d_tm_A,eps_a,eps_c,eps_aniso,zone,cycle,step,c_li_sigma,c_li_counted,c_li_low", lines[0]);
        Assert.Equal(_r.Result.Samples, lines.Count - 1);
        Assert.Equal(_r.Result.Diagnostics.RowsRead, _r.Result.Samples);

        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(rows, r => Assert.Equal(18, r.Length));
        double D(string[] r, int i) => double.Parse(r[i], CultureInfo.InvariantCulture);
        // Step 4 is a CC charge: current and charge positive.
        var step4 = rows.Where(r => r[14] == "4").ToList();
        Assert.NotEmpty(step4);
        Assert.All(step4, r => Assert.True(D(r, 2) > 0));
        // Step 7 is a discharge: current negative.
        Assert.All(rows.Where(r => r[14] == "7"), r => Assert.True(D(r, 2) < 0));
        // Derived columns are consistent.
        foreach (var r in rows.Take(50))
        {
            Assert.Equal(D(r, 6) / 3, D(r, 7), 12);
            Assert.Equal(D(r, 5), D(r, 8));
            Assert.Equal(0.80 - D(r, 3) / 8.732, D(r, 4), 12);
        }
        Assert.Contains(rows, r => r[12] == "critical");
        Assert.All(rows, r => Assert.Contains(r[12], new[] { "safe", "caution", "critical", "deep" }));
    }

    [Fact]
    public void Events_json_lists_the_zone_transitions()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_r.Dir, "events.json")));
        var events = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(_r.Result.Transitions, events.Count);
        // Zones follow the lower bound c_Li − 2σ (σ 0.022 … 0.033 here): each charge enters critical when c_Li itself is
        // about 0.45 and deep (bound below 0.32) in its CV hold, and comes back on discharge.
        var toCritical = events.Where(e => e.GetProperty("to").GetString() == "critical" && e.GetProperty("from").GetString() == "caution").ToList();
        Assert.Equal(4, toCritical.Count);
        Assert.Equal(4, events.Count(e => e.GetProperty("to").GetString() == "deep"));
        Assert.All(toCritical, e =>
        {
            Assert.InRange(e.GetProperty("c_li").GetDouble(), 0.44, 0.47);
            Assert.InRange(e.GetProperty("voltage_V").GetDouble(), 4.19, 4.21);
            Assert.True(e.GetProperty("time_s").GetDouble() > 0);
        });
        Assert.Equal(5, toCritical[0].GetProperty("step").GetInt32());
        var names = new[] { "time_s", "from", "to", "c_li", "voltage_V", "step" };
        Assert.All(events, e => Assert.Equal(names, e.EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public void Summary_json_and_report_are_written()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_r.Dir, "summary.json")));
        Assert.Equal(4, doc.RootElement.GetProperty("charges_crossing_critical").GetInt32());
        Assert.Equal("maccor", doc.RootElement.GetProperty("format").GetString());
        string html = File.ReadAllText(Path.Combine(_r.Dir, "report.html"));
        Assert.Contains("NMC811", html);
        Assert.DoesNotContain("https://", html.Replace("https://github.com/leeoniya/uPlot", ""));
    }

    [Fact]
    public void Lithium_cutoff_would_end_each_charge_before_the_critical_line()
    {
        foreach (var c in _r.Result.Cycles.Where(c => c.Cycle > 0))
        {
            Assert.False(double.IsNaN(c.CutoffReachedTimeS));
            Assert.True(c.CutoffReachedTimeS < c.FirstCrossingTimeS);
            Assert.InRange(c.RecommendedCutoffV, 4.0, 4.21);
        }
    }
}
