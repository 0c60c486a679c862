using Twin.Dashboard.Live;

namespace Twin.Dashboard.Tests.Live;

/// <summary>
/// A cell's chart timeline: bounded by its capacity, thinned to every second point when full (and saying so, so pages
/// can be re-sent the whole timeline), sized from one budget shared by all cells, and costing memory only for the
/// points it holds.
/// </summary>
public sealed class CellTimelineTests
{
    private static TimelinePoint Point(long k) => new(1_700_000_000_000.0 + k * 100, 3.9 + k * 1e-6, 0.001, 0.8 - k * 1e-5, 2.87, 14.2, 5e-4, 0);

    [Fact]
    public void Capacity_comes_from_one_budget_shared_by_the_cells()
    {
        Assert.Equal(CellTimeline.MaxCapacity, CellTimeline.CapacityFor(64));
        Assert.Equal(1000, CellTimeline.CapacityFor(1000));
        Assert.Equal(CellTimeline.MinCapacity, CellTimeline.CapacityFor(100_000));
        Assert.Equal(0, CellTimeline.CapacityFor(3, 3001) % 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => CellTimeline.CapacityFor(0));
    }

    [Fact]
    public void A_full_timeline_keeps_every_second_point_says_so_and_stays_a_subset_of_what_was_pushed()
    {
        var t = new CellTimeline(16);
        var pushed = new List<double>();
        var results = new List<TimelineAdd>();
        for (int k = 0; k < 100; k++)
        {
            var r = t.TryAdd(Point(k), out var kept);
            results.Add(r);
            if (r != TimelineAdd.Skipped) pushed.Add(kept.T);
        }
        var now = t.Snapshot();
        Assert.InRange(now.Length, 9, 16);
        Assert.All(now, p => Assert.Contains(p.T, pushed));
        Assert.Equal(now.Select(p => p.T).Order(), now.Select(p => p.T));
        // 100 samples through 16 slots: thinned at 16 (stride 2), at 16 again (stride 4), again (stride 8)
        Assert.Equal(3, results.Count(r => r == TimelineAdd.KeptAfterThinning));
        Assert.Equal(8, t.Stride);
        Assert.Equal(Point(0).T, now[0].T);   // the start of the run stays visible
    }

    [Fact]
    public void Values_are_kept_to_single_precision_and_the_time_exactly()
    {
        var t = new CellTimeline(16);
        var p = new TimelinePoint(1_765_000_000_123.456, 4.1234567, -0.00123456, 0.41912345, 2.8712345, 14.212345, 0.00123, 2, 0.0031f, 0.4380f);
        Assert.Equal(TimelineAdd.Kept, t.TryAdd(p, out var kept));
        Assert.Equal(p.T, kept.T);
        Assert.InRange(Math.Abs(p.CLi - kept.CLi), 0, 1e-7);     // 4 decimals shown
        Assert.InRange(Math.Abs(p.C - kept.C), 0, 1e-5);         // Å; Table 1 gives 4 decimals
        Assert.Equal(p.Z, kept.Z);
        Assert.Equal((p.Sigma, p.Counted), (kept.Sigma, kept.Counted)); // the c_Li band and counted c_Li reach the page
        Assert.Equal(kept, Assert.Single(t.Snapshot()));
        Assert.Equal(48, CellTimeline.BytesPerPoint);
    }

    [Fact]
    public void An_unfed_timeline_costs_no_points_and_a_fed_one_no_more_than_its_capacity()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var timelines = Enumerable.Range(0, 1000).Select(_ => new CellTimeline(1000)).ToArray();
        long empty = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(empty < 1000 * 200, $"1,000 empty timelines allocated {empty:N0} bytes");

        var one = new CellTimeline(1000);
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 50_000; k++) one.TryAdd(Point(k), out _);
        long fed = GC.GetAllocatedBytesForCurrentThread() - start;
        // the list's array grows by doubling up to the capacity and never beyond: 16 + 32 + … + 512 + 1000 points
        Assert.True(fed <= (1024 + 1000) * CellTimeline.BytesPerPoint + 4096, $"feeding 50,000 samples allocated {fed:N0} bytes");
        GC.KeepAlive(timelines);
    }
}
