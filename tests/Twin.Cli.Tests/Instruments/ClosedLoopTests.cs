using Twin.Cli.Demo;
using Twin.Drivers.Experiment;
using Twin.Testing.Mosquitto;
using Twin.Testing.Nexus;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Instruments;

/// <summary>
/// The closed loop in one process (as <c>twin demo</c> runs it): firmware simulator over TCP, Keithley 2450 driver,
/// experiment runner and the embedded twin on the in-process bus.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class ClosedLoopTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_the_lithium_cutoff_every_charge_ends_where_the_lower_bound_reaches_c_li_min()
    {
        var result = await DemoRunner.RunAsync(new DemoOptions(Repo.TempDir("demo-li"), Speed: 1200, Cycles: 2, LithiumCutoff: true,
            Urls: $"http://127.0.0.1:{MosquittoBroker.FreePort()}", StatusPeriodS: 60), new TestWriter(output), CancellationToken.None);
        Assert.Equal(RunOutcome.Completed, result.Run.Outcome);
        Assert.Equal([1, 2], result.Charges.Select(c => c.Cycle));
        foreach (var c in result.Charges)
        {
            // the cut-off acts on c_Li − 2σ ≤ c_Li,min (0.40 in the demo's experiment file); the patterns every Δc_Li 0.01
            // below 0.5 keep σ near 0.003 at the end of charge, so the estimate ends near 0.406, and the cell with it. The
            // runner carries the twin's state forward to each reading with σ grown to first order, so the twin's own bound at
            // the last reading may still lie up to one reading's charge (Δc_Li ≈ 0.0011 at C/5 and 30 s) above 0.40.
            Assert.InRange(c.Sigma, 0.001, 0.006);
            Assert.InRange(c.TwinCLi - 2 * c.Sigma, 0.39, 0.402);
            Assert.InRange(c.TwinCLi, 0.40, 0.415);
            Assert.InRange(c.CellCLi, 0.40, 0.415);
            Assert.Contains("lithium cut-off", c.EndedBy);
        }
        Assert.True(result.MinTwinCLi >= 0.40, $"lowest c_Li {result.MinTwinCLi}");
        Assert.NotEmpty(result.Patterns);
        Assert.All(result.Patterns, p => Assert.NotNull(p.CLiMid));
        Assert.True(File.Exists(Path.Combine(result.OutDir, "twin-states.csv")));

        // the NeXus file, read with h5py: one c_Li per twin state, one pattern entry per pattern with its c_Li at mid-exposure
        var nexus = (await H5Py.DumpAsync(Path.Combine(result.OutDir, "experiment.nxs"))).GetProperty("datasets");
        int states = File.ReadLines(Path.Combine(result.OutDir, "twin-states.csv")).Count() - 1;
        Assert.Equal(states, nexus.GetProperty("/coin-1/twin/c_li").GetProperty("shape")[0].GetInt32());
        var ids = nexus.GetProperty("/coin-1/patterns/id").GetProperty("values").EnumerateArray().Select(v => v.GetString()!).ToList();
        var mids = nexus.GetProperty("/coin-1/patterns/c_li_mid").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(result.Patterns.Select(p => p.PatternId).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        foreach (var p in result.Patterns) Assert.Equal(p.CLiMid!.Value, mids[ids.IndexOf(p.PatternId)]);
        Assert.Contains(nexus.EnumerateObject(), d => d.Name == $"/coin-1/patterns/{result.Patterns[0].PatternId}/intensity");
    }

    [Fact]
    public async Task With_only_the_4_2_V_cutoff_the_same_cell_goes_below_c_li_0_40()
    {
        var result = await DemoRunner.RunAsync(new DemoOptions(Repo.TempDir("demo-v"), Speed: 1200, Cycles: 1, LithiumCutoff: false,
            Urls: $"http://127.0.0.1:{MosquittoBroker.FreePort()}", StatusPeriodS: 60), new TestWriter(output), CancellationToken.None);
        Assert.Equal(RunOutcome.Completed, result.Run.Outcome);
        var charge = Assert.Single(result.Charges);
        Assert.True(charge.CellCLi < 0.40, $"cell c_Li {charge.CellCLi}");
        Assert.True(result.MinTwinCLi < 0.40, $"lowest c_Li {result.MinTwinCLi}");
        Assert.Contains("C/50", charge.EndedBy);
    }
}

/// <summary>Routes a TextWriter into the xunit output.</summary>
internal sealed class TestWriter(ITestOutputHelper output) : TextWriter
{
    private readonly System.Text.StringBuilder _line = new();

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            lock (_line)
            {
                try { output.WriteLine(_line.ToString()); } catch (InvalidOperationException) { }
                _line.Clear();
            }
        }
        else lock (_line) _line.Append(value);
    }
}
