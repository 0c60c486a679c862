using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Ingest;

namespace Twin.Service.Tests;

public class CellRuntimeTests
{
    private static readonly ExperimentCell Cell = new("lab", CellConfig.WithDefaults("c1", MaterialCatalog.Default.Get("NMC811"), 1.0, 0.95));

    private static TelemetryMessage Charge(long firstSeq, int count, double currentA = 1.0) => new()
    {
        Samples = [.. Enumerable.Range(0, count).Select(i => new TelemetrySample
        {
            Seq = firstSeq + i,
            TimeUnixNs = 1_700_000_000_000_000_000 + (firstSeq + i) * 10_000_000_000,
            VoltageV = 3.8,
            CurrentA = currentA,
            Kind = "charge",
        })],
    };

    [Fact]
    public void Applies_in_order_drops_duplicates_and_reports_transitions()
    {
        var rt = new CellRuntime(Cell, saved: null);
        var b1 = rt.ApplyAndCommit(Charge(0, 100));
        var again = rt.ApplyAndCommit(Charge(50, 60)); // 50..99 duplicates, 100..109 new
        Assert.Equal(100, b1.Samples.Count);
        Assert.Equal(10, again.Samples.Count);
        Assert.Equal(50, rt.SequenceCounts.Duplicates);
        // 109 intervals of 10 s at 1 A: 0.3028 A·h out of Q_Li = 1 A·h.
        Assert.Equal(0.95 - 109 * 10 / 3600.0, rt.Twin.CLi, 9);
        Assert.Equal("safe", rt.LastState!.Zone);
        var b3 = rt.ApplyAndCommit(Charge(110, 100));
        Assert.Contains(b3.Transitions, t => t.From == Zone.Caution && t.To == Zone.Critical);
        Assert.True(rt.Alarm().Active);
        Assert.Equal(209, rt.LastState!.Seq);
    }

    [Fact]
    public void A_checkpoint_resumes_exactly_and_reset_goes_back_to_it()
    {
        var straight = new CellRuntime(Cell, null);
        straight.Apply(Charge(0, 150));
        straight.Apply(Charge(150, 50));

        var first = new CellRuntime(Cell, null);
        var b = first.Apply(Charge(0, 150));
        var saved = first.Checkpoint();
        first.Commit(b, saved);
        first.Apply(Charge(150, 20));
        first.Rollback();
        Assert.Equal(149, first.LastSeq);
        var resumed = new CellRuntime(Cell, saved);
        Assert.True(resumed.Resumed);
        // Redelivery of already-applied samples changes nothing; the rest continues exactly.
        resumed.Apply(Charge(100, 100));
        first.Apply(Charge(150, 50));
        Assert.Equal(straight.Twin.CLi, resumed.Twin.CLi);
        Assert.Equal(straight.Twin.CLi, first.Twin.CLi);
        Assert.Equal(50, resumed.SequenceCounts.Duplicates);
    }
}
