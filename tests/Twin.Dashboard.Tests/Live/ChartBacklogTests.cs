using Twin.Dashboard.Live;

namespace Twin.Dashboard.Tests.Live;

/// <summary>
/// A cell page's chart backlog: what waits while one call to the browser is in flight is sent next in one batch; a page
/// that fell too far behind, a thinned timeline and a failed call each make the next batch the whole timeline.
/// </summary>
public sealed class ChartBacklogTests
{
    private static readonly CellCard Card = new("s/a", "s", "a", "NMC811", "safe", 0.8, 0.45, 0.40, 0.32, true, 0.42,
        null, 3.9, 0.001, 1, "charge", 0, "continue", 0, null, null, null);

    private static TimelinePoint Point(int k) => new(1_700_000_000_000.0 + k * 100, 3.9, 0.001, 0.8 - k * 1e-5, 2.87, 14.2, 5e-4, 0);

    private static CellDelta Delta(IEnumerable<int> ks, bool thinned = false, params PatternMark[] patterns) =>
        new(Card, [.. ks.Select(Point)], patterns, null) { Reset = thinned };

    private static readonly (TimelinePoint[], PatternMark[]) Whole = ([Point(-1), Point(0)], [new PatternMark("p0", 0, 0.8, 1, "f")]);

    [Fact]
    public void What_waits_goes_out_in_one_batch_in_order_and_then_nothing()
    {
        var backlog = new ChartBacklog();
        Assert.Null(backlog.Take(() => throw new InvalidOperationException("no reset expected")));
        backlog.Add(Delta([1, 2]));
        backlog.Add(Delta([3], patterns: new PatternMark("p1", 0, 0.79, 1, "f")));
        var batch = backlog.Take(() => throw new InvalidOperationException("no reset expected"));
        Assert.NotNull(batch);
        Assert.False(batch.Reset);
        Assert.Equal([Point(1), Point(2), Point(3)], batch.Points);
        Assert.Equal("p1", Assert.Single(batch.Patterns).Id);
        Assert.Null(backlog.Take(() => throw new InvalidOperationException("no reset expected")));
    }

    [Fact]
    public void A_page_more_than_the_limit_behind_is_sent_the_whole_timeline_once()
    {
        var backlog = new ChartBacklog();
        backlog.Add(Delta(Enumerable.Range(0, ChartBacklog.MaxPendingPoints)));
        Assert.Equal(ChartBacklog.MaxPendingPoints, backlog.PendingPoints);
        backlog.Add(Delta([ChartBacklog.MaxPendingPoints]));
        Assert.Equal(0, backlog.PendingPoints);
        backlog.Add(Delta([ChartBacklog.MaxPendingPoints + 1]));   // covered by the whole timeline read at Take
        var batch = backlog.Take(() => Whole);
        Assert.True(batch!.Reset);
        Assert.Equal(Whole.Item1, batch.Points);
        Assert.Equal("p0", Assert.Single(batch.Patterns).Id);
        Assert.Null(backlog.Take(() => Whole));
    }

    [Fact]
    public void A_thinned_timeline_and_a_failed_call_each_send_the_whole_timeline()
    {
        var backlog = new ChartBacklog();
        backlog.Add(Delta([1]));
        backlog.Add(Delta([2], thinned: true));
        Assert.True(backlog.Take(() => Whole)!.Reset);

        backlog.Add(Delta([3]));
        Assert.False(backlog.Take(() => Whole)!.Reset);
        backlog.Failed();   // the batch with point 3 may not have reached the page
        backlog.Add(Delta([4]));
        var batch = backlog.Take(() => Whole);
        Assert.True(batch!.Reset);
        Assert.Equal(Whole.Item1, batch.Points);
    }
}
