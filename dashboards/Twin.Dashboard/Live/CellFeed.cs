namespace Twin.Dashboard.Live;

/// <summary>
/// One cell's live feed for the dashboard: its chart timeline and what has not been pushed to the pages yet (new
/// points and pattern marks, and whether the timeline was thinned meanwhile). The ingest side appends and marks the
/// feed changed; the push side takes what is pending. Thread-safe.
/// </summary>
internal sealed class CellFeed
{
    private readonly Lock _gate = new();
    private List<TimelinePoint> _points = [];
    private List<PatternMark> _patterns = [];
    private bool _thinned;
    private int _queued;

    /// <summary>Creates an empty feed.</summary>
    /// <param name="key">"site/cell".</param>
    /// <param name="capacity">Timeline capacity (see <see cref="CellTimeline.CapacityFor"/>).</param>
    public CellFeed(string key, int capacity)
    {
        Key = key;
        Timeline = new CellTimeline(capacity);
    }

    /// <summary>"site/cell".</summary>
    public string Key { get; }

    /// <summary>The chart timeline.</summary>
    public CellTimeline Timeline { get; }

    /// <summary>Step kind of the latest sample, or null before the first.</summary>
    public string? Kind { get; private set; }

    /// <summary>Offers new samples to the timeline; the kept ones wait to be pushed.</summary>
    /// <param name="points">The samples as timeline points, oldest first.</param>
    /// <param name="kind">Step kind of the last sample, or null to keep the previous one.</param>
    public void Append(IEnumerable<TimelinePoint> points, string? kind)
    {
        lock (_gate)
        {
            foreach (var p in points)
            {
                var added = Timeline.TryAdd(p, out var kept);
                if (added == TimelineAdd.Skipped) continue;
                if (added == TimelineAdd.KeptAfterThinning)
                {
                    // the pages get the whole (thinned) timeline instead of the points before it
                    _thinned = true;
                    _points.Clear();
                }
                _points.Add(kept);
            }
            if (kind is not null) Kind = kind;
        }
    }

    /// <summary>A new pattern mark waits to be pushed.</summary>
    /// <param name="p">The mark.</param>
    public void AddPattern(PatternMark p)
    {
        lock (_gate) _patterns.Add(p);
    }

    /// <summary>Marks the feed changed.</summary>
    /// <returns>True when it was not queued yet (the caller queues it).</returns>
    public bool MarkChanged() => Interlocked.Exchange(ref _queued, 1) == 0;

    /// <summary>Takes what is pending and clears the changed mark, so a later change queues the feed again.</summary>
    /// <returns>The new points and patterns, and whether the timeline was thinned meanwhile.</returns>
    public PendingChange TakePending()
    {
        Interlocked.Exchange(ref _queued, 0);
        lock (_gate)
        {
            var taken = new PendingChange(_points, _patterns, _thinned);
            _points = [];
            _patterns = [];
            _thinned = false;
            return taken;
        }
    }

    /// <summary>
    /// Takes every queued feed's pending change. A feed changed again while this runs is queued again and dequeued a
    /// second time: its new points are appended to what was taken first, never put in place of it (doing that once
    /// lost runs of points whenever a push ran slower than the samples arrived).
    /// </summary>
    /// <param name="dequeue">Dequeues the next changed feed, or returns null when none is left.</param>
    /// <returns>One merged change per feed, in first-dequeued order.</returns>
    public static List<(CellFeed Feed, PendingChange Change)> TakeAll(Func<CellFeed?> dequeue)
    {
        var order = new List<(CellFeed, PendingChange)>();
        var index = new Dictionary<CellFeed, int>(ReferenceEqualityComparer.Instance);
        while (dequeue() is { } f)
        {
            var change = f.TakePending();
            if (index.TryGetValue(f, out int i)) order[i] = (f, order[i].Item2.Then(change));
            else
            {
                index[f] = order.Count;
                order.Add((f, change));
            }
        }
        return order;
    }
}

/// <summary>What a feed had not pushed yet.</summary>
/// <param name="Points">New timeline points, oldest first (after a thinning: only those kept since).</param>
/// <param name="Patterns">New pattern marks.</param>
/// <param name="Thinned">True when the timeline was thinned: the pages need it whole.</param>
internal sealed record PendingChange(List<TimelinePoint> Points, List<PatternMark> Patterns, bool Thinned)
{
    /// <summary>This change followed by a later one.</summary>
    /// <param name="later">What was pending after this one was taken.</param>
    /// <returns>The merged change.</returns>
    public PendingChange Then(PendingChange later) => new(
        later.Thinned ? later.Points : [.. Points, .. later.Points], [.. Patterns, .. later.Patterns], Thinned || later.Thinned);
}
