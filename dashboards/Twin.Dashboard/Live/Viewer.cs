namespace Twin.Dashboard.Live;

/// <summary>
/// One browser connection's delivery state. Updates are merged here until the browser has acknowledged the last
/// one: only the newest card per cell is kept, and a cell page's new timeline points are collected up to
/// <see cref="MaxPendingPoints"/> (beyond that, or when the service thinned the cell's timeline, the page is sent its
/// whole timeline again). One update is in flight
/// at a time, so a slow or stalled browser holds back only its own updates and costs a bounded amount of memory,
/// and a page that renders slower than the push rate simply skips to the newest values. Thread-safe.
/// </summary>
internal sealed class Viewer
{
    /// <summary>New timeline points held for a cell page at most before it is re-sent its whole timeline.</summary>
    public const int MaxPendingPoints = 4000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CellCard> _cards = new(StringComparer.Ordinal);
    private List<TimelinePoint> _points = [];
    private List<PatternMark> _patterns = [];
    private CellCard? _cellCard;
    private CycleRow? _row;
    private bool _reset;
    private AlarmCounts? _alarms;
    private long _lastSeq;
    private long _inFlight;

    /// <summary>Sequence number of the join reply (the page's first state): nothing more is sent until it is acknowledged.</summary>
    public const long JoinSeq = 1;

    /// <summary>Creates the state of a connection.</summary>
    /// <param name="connectionId">SignalR connection id.</param>
    /// <param name="page">What the page shows.</param>
    /// <param name="cellKey">"site/cell" of the watched cell (<see cref="ViewerPage.Cell"/> only).</param>
    /// <exception cref="ArgumentException">A cell page without a cell key.</exception>
    public Viewer(string connectionId, ViewerPage page, string? cellKey = null)
    {
        if (page == ViewerPage.Cell && cellKey is null) throw new ArgumentException("a cell page needs the cell's key", nameof(cellKey));
        ConnectionId = connectionId;
        Page = page;
        CellKey = page == ViewerPage.Cell ? cellKey : null;
        _lastSeq = JoinSeq;
        _inFlight = JoinSeq;
    }

    /// <summary>SignalR connection id.</summary>
    public string ConnectionId { get; }

    /// <summary>What the page shows.</summary>
    public ViewerPage Page { get; }

    /// <summary>"site/cell" of the watched cell; null on other pages.</summary>
    public string? CellKey { get; }

    /// <summary>Updates sent (the join reply included).</summary>
    public long Sent { get { lock (_gate) return _lastSeq; } }

    /// <summary>Merges one push interval's changes into what this page has not received yet.</summary>
    /// <param name="cards">Cells whose card changed (the newest card each).</param>
    /// <param name="deltas">Per cell: the new points, patterns and cycle row.</param>
    /// <param name="alarms">New alarm counts, or null when they did not change.</param>
    public void Offer(IReadOnlyList<CellCard> cards, IReadOnlyDictionary<string, CellDelta> deltas, AlarmCounts? alarms)
    {
        lock (_gate)
        {
            if (alarms is not null) _alarms = alarms;
            if (Page == ViewerPage.Overview)
            {
                foreach (var c in cards) _cards[c.Key] = c;
                return;
            }
            if (CellKey is null) return;
            if (!deltas.TryGetValue(CellKey, out var d)) return;
            _cellCard = d.Card;
            _row = d.CycleRow ?? _row;
            if (_reset) return;
            _points.AddRange(d.Points);
            _patterns.AddRange(d.Patterns);
            if (d.Reset || _points.Count > MaxPendingPoints)
            {
                _reset = true;
                _points = [];
                _patterns = [];
            }
        }
    }

    /// <summary>Marks an update as received by the browser.</summary>
    /// <param name="seq">The acknowledged update's sequence number.</param>
    /// <returns>True when this was the update in flight (the next one may go now).</returns>
    public bool Acknowledge(long seq)
    {
        lock (_gate)
        {
            if (seq != _inFlight) return false;
            _inFlight = 0;
            return true;
        }
    }

    /// <summary>Takes what is pending as the next update when none is in flight.</summary>
    /// <param name="timeline">Gives a cell's whole timeline and patterns (for a page whose pending points overflowed).</param>
    /// <returns>The update to send (now in flight), or null when one is in flight or nothing is pending.</returns>
    public LiveUpdate? TakeIfIdle(Func<string, (TimelinePoint[] Points, PatternMark[] Patterns)> timeline)
    {
        lock (_gate)
        {
            if (_inFlight != 0) return null;
            List<CellCard>? cards = null;
            CellDelta? cell = null;
            if (Page == ViewerPage.Overview)
            {
                if (_cards.Count > 0) cards = [.. _cards.Values];
                _cards.Clear();
            }
            else if (CellKey is not null && _cellCard is not null)
            {
                if (_reset)
                {
                    var (points, patterns) = timeline(CellKey);
                    cell = new CellDelta(_cellCard, points, patterns, _row) { Reset = true };
                }
                else cell = new CellDelta(_cellCard, _points, _patterns, _row);
                _cellCard = null;
                _row = null;
                _reset = false;
                _points = [];
                _patterns = [];
            }
            var alarms = _alarms;
            _alarms = null;
            if (cards is null && cell is null && alarms is null) return null;
            _inFlight = ++_lastSeq;
            return new LiveUpdate(_inFlight, cards, cell, alarms);
        }
    }

    /// <summary>Gives up on the update in flight (its send failed) so the next one may go.</summary>
    /// <param name="seq">The failed update's sequence number.</param>
    public void SendFailed(long seq) => Acknowledge(seq);
}

/// <summary>What a connected page shows, and so what it is sent.</summary>
internal enum ViewerPage
{
    /// <summary>Every cell's card.</summary>
    Overview,

    /// <summary>One cell: its card, timeline, patterns and open cycle.</summary>
    Cell,

    /// <summary>Any other page: alarm counts only.</summary>
    Other,
}
