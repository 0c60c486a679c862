using Twin.Dashboard.Live;

namespace Twin.Dashboard.Tests.Live;

/// <summary>
/// A page's delivery state: one update in flight, newer changes merged until it is acknowledged, the newest card per
/// cell, every timeline point in order, and a whole-timeline reset when a page falls too far behind.
/// </summary>
public sealed class ViewerTests
{
    private static readonly Dictionary<string, CellDelta> NoDeltas = [];

    private static CellCard Card(string cell, double cLi, double timeMs) =>
        new("s/" + cell, "s", cell, "NMC811", "safe", cLi, 0.45, 0.40, 0.30, true, 0.42, null, 3.9, 1.0, 1, "charge", 1, "continue",
            timeMs, null, null, null);

    private static TimelinePoint Point(double t) => new(t, 3.9, 1.0, 0.6, 2.86, 14.2, 0.01, 0);

    private static CellDelta Delta(string cell, double cLi, params double[] times) =>
        new(Card(cell, cLi, times.Length > 0 ? times[^1] : 0), [.. times.Select(Point)], [], null);

    private static (TimelinePoint[], PatternMark[]) NoTimeline(string key) => throw new InvalidOperationException("no reset expected for " + key);

    [Fact]
    public void Nothing_goes_out_before_the_join_reply_is_acknowledged()
    {
        var v = new Viewer("c1", ViewerPage.Overview);
        v.Offer([Card("a", 0.7, 1000)], NoDeltas, null);
        Assert.Null(v.TakeIfIdle(NoTimeline));
        Assert.False(v.Acknowledge(2));
        Assert.Null(v.TakeIfIdle(NoTimeline));
        Assert.True(v.Acknowledge(Viewer.JoinSeq));
        var u = v.TakeIfIdle(NoTimeline);
        Assert.NotNull(u);
        Assert.Equal(2, u.Seq);
        Assert.Equal(0.7, Assert.Single(u.Cards!).CLi);
        Assert.Null(v.TakeIfIdle(NoTimeline));   // in flight
        Assert.True(v.Acknowledge(2));
        Assert.Null(v.TakeIfIdle(NoTimeline));   // nothing pending, nothing in flight
        Assert.Equal(2, v.Sent);
    }

    [Fact]
    public void An_overview_that_has_not_acknowledged_gets_only_the_newest_card_per_cell()
    {
        var v = new Viewer("c1", ViewerPage.Overview);
        for (int k = 0; k < 100; k++)
            v.Offer([Card("a", 0.80 - k * 0.001, 1000 + k), Card("b", 0.5, 1000 + k)], NoDeltas, k == 50 ? new AlarmCounts(1, 1) : null);
        v.Acknowledge(Viewer.JoinSeq);
        var u = v.TakeIfIdle(NoTimeline)!;
        Assert.Equal(2, u.Cards!.Count);
        var a = u.Cards.Single(c => c.Cell == "a");
        Assert.Equal(1099, a.TimeMs);
        Assert.Equal(0.80 - 99 * 0.001, a.CLi!.Value, 12);
        Assert.Equal(new AlarmCounts(1, 1), u.Alarms);
        Assert.Null(u.Cell);
    }

    [Fact]
    public void A_cell_page_gets_every_point_in_order_and_only_its_own_cell()
    {
        var v = new Viewer("c1", ViewerPage.Cell, "s/a");
        var pattern = new PatternMark("p1", 1001, 0.6, 10, "/data/p1.xy");
        var row = new CycleRow(1, 5, 0.6, 4.1, 0, null, "safe", 0.1, 0, 0.01, null);
        v.Offer([], new Dictionary<string, CellDelta> { ["s/a"] = Delta("a", 0.61, 1000, 1001), ["s/b"] = Delta("b", 0.5, 1000) }, null);
        v.Offer([], new Dictionary<string, CellDelta> { ["s/a"] = Delta("a", 0.60, 1002) with { Patterns = [pattern], CycleRow = row } }, null);
        v.Offer([], new Dictionary<string, CellDelta> { ["s/b"] = Delta("b", 0.5, 1001) }, null);
        v.Acknowledge(Viewer.JoinSeq);
        var u = v.TakeIfIdle(NoTimeline)!;
        Assert.Null(u.Cards);
        var d = u.Cell!;
        Assert.False(d.Reset);
        Assert.Equal("a", d.Card.Cell);
        Assert.Equal(0.60, d.Card.CLi);
        Assert.Equal([1000.0, 1001, 1002], d.Points.Select(p => p.T));
        Assert.Equal(pattern, Assert.Single(d.Patterns));
        Assert.Equal(row, d.CycleRow);
    }

    [Fact]
    public void A_cell_page_too_far_behind_is_sent_the_whole_timeline()
    {
        var v = new Viewer("c1", ViewerPage.Cell, "s/a");
        for (int k = 0; k <= Viewer.MaxPendingPoints; k += 100)
            v.Offer([], new Dictionary<string, CellDelta> { ["s/a"] = Delta("a", 0.6, [.. Enumerable.Range(k, 100).Select(x => (double)x)]) }, null);
        v.Acknowledge(Viewer.JoinSeq);
        string? asked = null;
        var u = v.TakeIfIdle(key => { asked = key; return ([Point(1), Point(2)], [new PatternMark("p", 1, null, 1, "u")]); })!;
        Assert.Equal("s/a", asked);
        Assert.True(u.Cell!.Reset);
        Assert.Equal([1.0, 2], u.Cell.Points.Select(p => p.T));
        Assert.Single(u.Cell.Patterns);

        // after the reset, deltas again
        v.Acknowledge(u.Seq);
        v.Offer([], new Dictionary<string, CellDelta> { ["s/a"] = Delta("a", 0.6, 5000) }, null);
        var next = v.TakeIfIdle(NoTimeline)!;
        Assert.False(next.Cell!.Reset);
        Assert.Equal(5000, Assert.Single(next.Cell.Points).T);
    }

    [Fact]
    public void Other_pages_get_alarm_counts_only()
    {
        var v = new Viewer("c1", ViewerPage.Other);
        v.Acknowledge(Viewer.JoinSeq);
        v.Offer([Card("a", 0.7, 1)], new Dictionary<string, CellDelta> { ["s/a"] = Delta("a", 0.7, 1) }, null);
        Assert.Null(v.TakeIfIdle(NoTimeline));
        v.Offer([Card("a", 0.7, 2)], NoDeltas, new AlarmCounts(0, 2));
        var u = v.TakeIfIdle(NoTimeline)!;
        Assert.Equal(new AlarmCounts(0, 2), u.Alarms);
        Assert.Null(u.Cards);
        Assert.Null(u.Cell);
    }

    [Fact]
    public void A_failed_send_frees_the_connection_for_the_next_update()
    {
        var v = new Viewer("c1", ViewerPage.Overview);
        v.Acknowledge(Viewer.JoinSeq);
        v.Offer([Card("a", 0.7, 1)], NoDeltas, null);
        var u = v.TakeIfIdle(NoTimeline)!;
        v.SendFailed(u.Seq);
        v.Offer([Card("a", 0.69, 2)], NoDeltas, null);
        Assert.Equal(0.69, v.TakeIfIdle(NoTimeline)!.Cards!.Single().CLi);
    }

    [Fact]
    public void A_cell_page_needs_its_cell()
    {
        var e = Assert.Throws<ArgumentException>(() => new Viewer("c1", ViewerPage.Cell));
        Assert.Contains("cell's key", e.Message);
    }
}
