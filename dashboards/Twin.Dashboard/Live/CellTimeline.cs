namespace Twin.Dashboard.Live;

/// <summary>
/// A cell's timeline for the charts, bounded however long the experiment runs: every point is kept until
/// <see cref="Capacity"/> is reached, then every second point is dropped and from then on only every
/// second sample is taken (the stride doubles each time it fills). The whole run stays visible at a resolution
/// that halves as it grows. Thread-safe.
/// </summary>
public sealed class CellTimeline
{
    private readonly List<TimelinePoint> _points;
    private readonly Lock _gate = new();
    private long _seen;
    private int _stride = 1;

    /// <summary>Creates an empty timeline.</summary>
    /// <param name="capacity">Points kept at most (even, ≥ 16).</param>
    /// <exception cref="ArgumentOutOfRangeException">Capacity below 16.</exception>
    public CellTimeline(int capacity = 4000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16);
        Capacity = capacity & ~1;
        _points = new List<TimelinePoint>(Capacity);
    }

    /// <summary>Points kept at most.</summary>
    public int Capacity { get; }

    /// <summary>Samples in one kept point now (1, 2, 4, …).</summary>
    public int Stride { get { lock (_gate) return _stride; } }

    /// <summary>Offers a sample; it is kept when it falls on the stride.</summary>
    /// <param name="p">The sample.</param>
    /// <returns>True when kept (and so to be pushed to the browsers).</returns>
    public bool Add(in TimelinePoint p)
    {
        lock (_gate)
        {
            if (_seen++ % _stride != 0) return false;
            if (_points.Count == Capacity)
            {
                for (int i = 0; i < Capacity / 2; i++) _points[i] = _points[2 * i];
                _points.RemoveRange(Capacity / 2, Capacity / 2);
                _stride *= 2;
                _seen = 1;
            }
            _points.Add(p);
            return true;
        }
    }

    /// <summary>The kept points, oldest first.</summary>
    /// <returns>A copy.</returns>
    public TimelinePoint[] Snapshot()
    {
        lock (_gate) return [.. _points];
    }
}
