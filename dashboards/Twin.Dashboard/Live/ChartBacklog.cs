namespace Twin.Dashboard.Live;

/// <summary>
/// The timeline points and pattern marks a cell page's charts have not received yet. The charts are fed by one
/// browser call at a time (the next waits for the browser's answer), so a page that stops running — a paused or
/// sleeping tab — holds only this backlog, bounded by <see cref="MaxPendingPoints"/>: beyond it, or when the service
/// thinned the cell's timeline, or when a call failed, the page is sent its whole timeline instead. Thread-safe.
/// </summary>
public sealed class ChartBacklog
{
    /// <summary>New points held at most before the page is re-sent its whole timeline.</summary>
    public const int MaxPendingPoints = 4000;

    private readonly Lock _gate = new();
    private List<TimelinePoint> _points = [];
    private List<PatternMark> _patterns = [];
    private bool _reset;

    /// <summary>Points waiting now (0 after an overflow, which waits as a whole timeline).</summary>
    public int PendingPoints { get { lock (_gate) return _points.Count; } }

    /// <summary>Adds one push interval's news of the cell.</summary>
    /// <param name="delta">New points and patterns; <see cref="CellDelta.Reset"/> when the service thinned the timeline.</param>
    public void Add(CellDelta delta)
    {
        lock (_gate)
        {
            if (_reset) return;
            if (delta.Reset || _points.Count + delta.Points.Count > MaxPendingPoints) SetReset();
            else
            {
                _points.AddRange(delta.Points);
                _patterns.AddRange(delta.Patterns);
            }
        }
    }

    /// <summary>The batch in flight did not reach the page (the call failed or timed out): send the whole timeline next.</summary>
    public void Failed()
    {
        lock (_gate) SetReset();
    }

    /// <summary>Takes what waits as the next batch for the charts.</summary>
    /// <param name="whole">Gives the cell's whole timeline and patterns (for a reset).</param>
    /// <returns>The batch, or null when nothing waits.</returns>
    public ChartBatch? Take(Func<(TimelinePoint[] Points, PatternMark[] Patterns)> whole)
    {
        lock (_gate)
        {
            if (_reset)
            {
                _reset = false;
                var (points, patterns) = whole();
                return new ChartBatch(points, patterns, true);
            }
            if (_points.Count == 0 && _patterns.Count == 0) return null;
            var batch = new ChartBatch(_points, _patterns, false);
            _points = [];
            _patterns = [];
            return batch;
        }
    }

    private void SetReset()
    {
        _reset = true;
        _points = [];
        _patterns = [];
    }
}

/// <summary>Points and patterns for a cell page's charts.</summary>
/// <param name="Points">Timeline points, oldest first (the charts skip any at or before their newest).</param>
/// <param name="Patterns">Pattern marks (the charts skip ids they have).</param>
/// <param name="Reset">True when this is the whole timeline, replacing what the charts have.</param>
public sealed record ChartBatch(IReadOnlyList<TimelinePoint> Points, IReadOnlyList<PatternMark> Patterns, bool Reset);
