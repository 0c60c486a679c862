using System.Text.Json;
using Twin.Core.Cells;
using Twin.Core.Cutoff;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Core.Samples;

namespace Twin.Core.Tests;

public class CellTwinTests
{
    private static CellConfig Config() => CellConfig.WithDefaults("cell-1", MaterialCatalog.Default.Get("NMC811"), 1.0, 0.95);

    /// <summary>Two cycles at 1 A: charge 0.6 A·h (c_Li 0.95 → 0.35), discharge back; 10 s samples, no counter.</summary>
    private static IEnumerable<CyclerSample> TwoCycles()
    {
        double t = 0;
        int step = 0;
        for (int cycle = 0; cycle < 2; cycle++)
        {
            step++;
            for (int k = 0; k < 216; k++, t += 10) yield return new(t, 3.6 + k * 0.0027, 1, double.NaN, 0, step, 0, StepKind.Charge);
            step++;
            for (int k = 0; k < 216; k++, t += 10) yield return new(t, 4.1 - k * 0.004, -1, double.NaN, 0, step, 0, StepKind.Discharge);
        }
    }

    [Fact]
    public void Counts_cycles_crossings_and_time_below_critical()
    {
        var twin = new CellTwin(Config());
        var transitions = new List<(Zone From, Zone To)>();
        foreach (var s in TwoCycles())
        {
            var o = twin.Update(s);
            if (o.ZoneChanged) transitions.Add((o.PreviousZone, o.Zone));
        }
        Assert.Equal([1, 2], twin.Cycles.Select(c => c.Cycle));
        foreach (var c in twin.Cycles)
        {
            Assert.InRange(c.MinCLi, 0.350, 0.354); // 215 intervals of 10 s at 1 A per charge
            Assert.True(c.CrossedCritical);
            // c_Li below 0.40 for 0.05 A·h each way at 1 A: 2 × 180 s.
            Assert.InRange(c.TimeBelowCriticalS, 340, 370);
            Assert.InRange(c.CutoffReachedVoltageV, 3.6, 4.2);
            Assert.True(c.StrainDoseS > 0);
        }
        Assert.Equal((Zone.Safe, Zone.Caution), transitions[0]);
        Assert.Equal((Zone.Caution, Zone.Critical), transitions[1]);
        Assert.Equal(8, transitions.Count);
    }

    [Fact]
    public void Cutoff_by_lithium_fires_before_the_voltage_limit()
    {
        var twin = new CellTwin(Config());
        TwinOutput first = default;
        foreach (var s in TwoCycles())
        {
            var o = twin.Update(s);
            if (o.Decision != CutoffDecision.Continue) { first = o; break; }
        }
        Assert.Equal(CutoffDecision.StopLithium, first.Decision);
        Assert.InRange(first.CLi, 0.415, 0.42);
        Assert.True(first.VoltageV < 4.2);
    }

    [Fact]
    public void Time_to_critical_is_the_remaining_lithium_over_the_rate()
    {
        var twin = new CellTwin(Config());
        TwinOutput o = default;
        foreach (var s in TwoCycles().Take(150)) o = twin.Update(s);
        // Rate is 1/3600 per s: from c_Li ≈ 0.5333 the 0.40 line is ~480 s away.
        Assert.InRange(o.TimeToCriticalS, 440, 540);
    }

    [Fact]
    public void Checkpoint_and_restore_continue_exactly()
    {
        var samples = TwoCycles().ToArray();
        var straight = new CellTwin(Config());
        var outStraight = samples.Select(s => straight.Update(s)).ToArray();

        var first = new CellTwin(Config());
        foreach (var s in samples.Take(300)) first.Update(s);
        string json = JsonSerializer.Serialize(first.Checkpoint(), TwinJsonContext.Default.TwinCheckpoint);
        var resumed = new CellTwin(Config(), JsonSerializer.Deserialize(json, TwinJsonContext.Default.TwinCheckpoint)!);
        var outResumed = samples.Skip(300).Select(s => resumed.Update(s)).ToArray();

        Assert.Equal(outStraight.Skip(300), outResumed);
        Assert.Equal(JsonSerializer.Serialize(straight.Checkpoint(), TwinJsonContext.Default.TwinCheckpoint),
                     JsonSerializer.Serialize(resumed.Checkpoint(), TwinJsonContext.Default.TwinCheckpoint));
    }

    [Fact]
    public void A_trimmed_checkpoint_keeps_the_recent_cycles_and_still_resumes_exactly()
    {
        var samples = TwoCycles().ToArray();
        var straight = new CellTwin(Config());
        var outStraight = samples.Select(s => straight.Update(s)).ToArray();
        var first = new CellTwin(Config());
        foreach (var s in samples.Take(600)) first.Update(s);
        var ckpt = first.Checkpoint(keepCycles: 1);
        Assert.Equal([2], ckpt.Cycles.Select(c => c.Cycle));
        var resumed = new CellTwin(Config(), ckpt);
        Assert.Equal(outStraight.Skip(600), samples.Skip(600).Select(s => resumed.Update(s)));
    }

    [Fact]
    public void A_checkpoint_of_another_cell_is_refused()
    {
        var twin = new CellTwin(Config());
        var other = Config() with { CellId = "cell-2" };
        Assert.Throws<ArgumentException>(() => new CellTwin(other, twin.Checkpoint()));
    }

    [Fact]
    public void Update_allocates_nothing_within_a_cycle()
    {
        var twin = new CellTwin(Config());
        var s = new CyclerSample(0, 3.7, 0.5, double.NaN, 0, 1, 0, StepKind.Charge);
        twin.Update(s);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 1; k < 10_000; k++) twin.Update(s with { TimeS = k });
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
