using System.Diagnostics;
using Twin.Cli.Demo;
using Twin.Drivers.Experiment;
using Twin.FirmwareSim.Cell;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Instruments;

/// <summary>
/// <c>twin demo --cycles 8 --degrade MODE</c>: a simulated cell whose charge counting is wrong (current offset, shuttle
/// current, loss of cathode active material) — the twin's estimate, corrected by the patterns the diffractometer takes
/// at the cell's true c_Li, stays on the truth and the lithium cut-off keeps the true c_Li in the safe window.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class DemoDegradationTests(ITestOutputHelper output)
{
    private async Task<DemoResult> RunAsync(string mode)
    {
        var clock = Stopwatch.StartNew();
        var result = await DemoRunner.RunAsync(new DemoOptions(Repo.TempDir("demo-" + mode), Speed: 1500, Cycles: 8, LithiumCutoff: true,
            Urls: $"http://127.0.0.1:{MosquittoBroker.FreePort()}", StatusPeriodS: 60) { Degradation = [Degradation.Parse(mode)] },
            new TestWriter(output), CancellationToken.None);
        output.WriteLine($"{mode}: {clock.Elapsed.TotalSeconds:0} s");
        Assert.Equal(RunOutcome.Completed, result.Run.Outcome);
        Assert.Equal(Enumerable.Range(1, 8), result.Charges.Select(c => c.Cycle));
        string table = File.ReadAllText(Path.Combine(result.OutDir, "cycles.csv"));
        Assert.StartsWith(DemoCycles.Header + "\n", table.ReplaceLineEndings("\n"));
        Assert.Equal(9, table.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Length);
        return result;
    }

    [Theory]
    [InlineData("offset")]
    [InlineData("shuttle")]
    [InlineData("lam")]
    public async Task The_estimate_stays_on_the_true_c_li_where_counting_drifts_and_the_cutoff_keeps_the_cell_safe(string mode)
    {
        var result = await RunAsync(mode);
        var charges = result.Charges;
        // Counting alone is off by at least 0.05 at the last charge: the degradation matters.
        Assert.True(Math.Abs(charges[^1].CountedCLi - charges[^1].CellCLi) >= 0.05,
            $"counting {charges[^1].CountedCLi:0.0000} vs cell {charges[^1].CellCLi:0.0000} at the last charge");
        foreach (var c in charges)
        {
            Assert.True(Math.Abs(c.TwinCLi - c.CellCLi) <= 0.01, $"cycle {c.Cycle}: estimate {c.TwinCLi:0.0000} vs cell {c.CellCLi:0.0000}");
            Assert.True(c.CellCLi >= 0.40, $"cycle {c.Cycle}: the cell's true c_Li {c.CellCLi:0.0000} went below 0.40");
        }
        int within = charges.Count(c => Math.Abs(c.TwinCLi - c.CellCLi) <= 2 * c.Sigma);
        Assert.True(within >= 0.9 * charges.Count, $"{within} of {charges.Count} ends of charge within 2σ");
        var last = charges[^1];
        output.WriteLine($"{mode}: Q_Li {last.QLiAh * 1e3:0.000} mA·h estimated, the cell's {last.CellQLiAh * 1e3:0.000} mA·h; worst |estimate − cell| " +
            $"{charges.Max(c => Math.Abs(c.TwinCLi - c.CellCLi)):0.0000}; {within} of {charges.Count} within 2σ; lowest true c_Li at an end of charge {charges.Min(c => c.CellCLi):0.0000}");
        Assert.True(Math.Abs(last.QLiAh - last.CellQLiAh) <= 0.02 * last.CellQLiAh, $"Q_Li {last.QLiAh * 1e3:0.000} mA·h vs the cell's {last.CellQLiAh * 1e3:0.000} mA·h");
    }

    [Fact]
    public async Task Lithium_lost_to_the_sei_leaves_counting_right_and_the_estimator_invents_no_correction()
    {
        var result = await RunAsync("sei");
        foreach (var c in result.Charges)
        {
            Assert.True(Math.Abs(c.CountedCLi - c.CellCLi) <= 0.005, $"cycle {c.Cycle}: counting {c.CountedCLi:0.0000} vs cell {c.CellCLi:0.0000}");
            Assert.True(Math.Abs(c.TwinCLi - c.CountedCLi) <= 0.005, $"cycle {c.Cycle}: estimate {c.TwinCLi:0.0000} vs counting {c.CountedCLi:0.0000}");
        }
    }
}
