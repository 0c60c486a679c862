using System.Collections.Concurrent;
using Twin.Dashboard.Live;

namespace Twin.Dashboard.Tests.Live;

/// <summary>
/// A cell's feed hands every kept point to the push exactly once, also when the cell changes again while a push is
/// taking the changes (the cause of a cell page that lacked a run of points after a pause under load).
/// </summary>
public sealed class CellFeedTests
{
    private static TimelinePoint Point(int k) => new(1_700_000_000_000.0 + k * 100, 3.9, 0.001, 0.8 - k * 1e-4, 2.87, 14.2, 5e-4, 0);

    private static int Index(TimelinePoint p) => (int)Math.Round((p.T - 1_700_000_000_000.0) / 100);

    [Fact]
    public void A_cell_that_changes_while_the_push_takes_changes_loses_no_point()
    {
        var queue = new ConcurrentQueue<CellFeed>();
        var feed = new CellFeed("s/a", 4000);
        void Ingest(params int[] ks)
        {
            feed.Append(ks.Select(Point), "charge");
            if (feed.MarkChanged()) queue.Enqueue(feed);
        }
        Ingest(1, 2);
        int calls = 0;
        var taken = CellFeed.TakeAll(() =>
        {
            // the ingest thread applies two more batches while the push is between two dequeues
            if (calls++ == 1) Ingest(3);
            if (calls == 3) Ingest(4, 5);
            return queue.TryDequeue(out var f) ? f : null;
        });
        var (only, change) = Assert.Single(taken);
        Assert.Same(feed, only);
        Assert.Equal([1, 2, 3, 4, 5], change.Points.Select(Index));
        Assert.False(change.Thinned);
        Assert.Empty(feed.TakePending().Points);
    }

    [Fact]
    public void A_thinning_while_changes_are_taken_asks_for_the_whole_timeline()
    {
        var queue = new ConcurrentQueue<CellFeed>();
        var feed = new CellFeed("s/a", 16);
        feed.Append(Enumerable.Range(0, 10).Select(Point), null);
        if (feed.MarkChanged()) queue.Enqueue(feed);
        int calls = 0;
        var taken = CellFeed.TakeAll(() =>
        {
            if (calls++ == 1)
            {
                feed.Append(Enumerable.Range(10, 10).Select(Point), null);   // fills the 16 slots: thinned
                if (feed.MarkChanged()) queue.Enqueue(feed);
            }
            return queue.TryDequeue(out var f) ? f : null;
        });
        var change = Assert.Single(taken).Change;
        Assert.True(change.Thinned);
        var kept = feed.Timeline.Snapshot();
        Assert.All(change.Points, p => Assert.Contains(p, kept));
    }
}
