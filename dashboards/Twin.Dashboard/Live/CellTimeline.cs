using System.Runtime.InteropServices;

namespace Twin.Dashboard.Live;

/// <summary>
/// A cell's timeline for the charts, bounded however long the experiment runs: every point is kept until
/// <see cref="Capacity"/> is reached, then every second point is dropped and from then on only every
/// second sample is taken (the stride doubles each time it fills). The whole run stays visible at a resolution
/// that halves as it grows. Memory grows with the points kept (nothing is allocated before the first sample) and
/// each point is stored in 48 bytes (time as a double, the other values as single precision: 7 significant digits,
/// more than the charts or the 4-decimal c_Li labels show). Thread-safe.
/// </summary>
public sealed class CellTimeline
{
    /// <summary>Points kept per cell at most when the budget allows (a 4,000-point chart on a 1,280-pixel page).</summary>
    public const int MaxCapacity = 4000;

    /// <summary>Points kept per cell at least, however many cells share the budget.</summary>
    public const int MinCapacity = 256;

    /// <summary>Default budget of timeline points over all cells of one service: 1,000,000 points, 48 MB.</summary>
    public const int DefaultBudgetPoints = 1_000_000;

    /// <summary>Bytes of one stored point.</summary>
    public static readonly int BytesPerPoint = Marshal.SizeOf<Stored>();

    private readonly List<Stored> _points = [];
    private readonly Lock _gate = new();
    private long _seen;
    private int _stride = 1;

    /// <summary>Creates an empty timeline.</summary>
    /// <param name="capacity">Points kept at most (even, ≥ 16).</param>
    /// <exception cref="ArgumentOutOfRangeException">Capacity below 16.</exception>
    public CellTimeline(int capacity = MaxCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16);
        Capacity = capacity & ~1;
    }

    /// <summary>The capacity of each cell's timeline when <paramref name="cells"/> share <paramref name="budgetPoints"/>.</summary>
    /// <param name="cells">Cells served (≥ 1).</param>
    /// <param name="budgetPoints">Points over all cells.</param>
    /// <returns>budget / cells, even, within [<see cref="MinCapacity"/>, <see cref="MaxCapacity"/>].</returns>
    /// <exception cref="ArgumentOutOfRangeException">No cells, or a budget below one point.</exception>
    public static int CapacityFor(int cells, int budgetPoints = DefaultBudgetPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cells, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetPoints, 1);
        return Math.Clamp(budgetPoints / cells, MinCapacity, MaxCapacity) & ~1;
    }

    /// <summary>Points kept at most.</summary>
    public int Capacity { get; }

    /// <summary>Points kept now.</summary>
    public int Count { get { lock (_gate) return _points.Count; } }

    /// <summary>Samples in one kept point now (1, 2, 4, …).</summary>
    public int Stride { get { lock (_gate) return _stride; } }

    /// <summary>Offers a sample; it is kept when it falls on the stride.</summary>
    /// <param name="p">The sample.</param>
    /// <param name="kept">The point as kept (what a page loading the timeline later gets), when kept.</param>
    /// <returns>Whether the sample was kept (and so is to be pushed to the browsers), and whether the timeline
    /// dropped every second point first (pages then need the whole timeline again to stay identical to it).</returns>
    public TimelineAdd TryAdd(in TimelinePoint p, out TimelinePoint kept)
    {
        kept = default;
        lock (_gate)
        {
            if (_seen++ % _stride != 0) return TimelineAdd.Skipped;
            var result = TimelineAdd.Kept;
            if (_points.Count == Capacity)
            {
                for (int i = 0; i < Capacity / 2; i++) _points[i] = _points[2 * i];
                _points.RemoveRange(Capacity / 2, Capacity / 2);
                _stride *= 2;
                _seen = 1;
                result = TimelineAdd.KeptAfterThinning;
            }
            else if (_points.Count == _points.Capacity)
            {
                // grow by doubling but never past the capacity: the list's array is what the cell costs
                _points.Capacity = Math.Min(Capacity, Math.Max(16, _points.Capacity * 2));
            }
            var stored = Stored.From(p);
            _points.Add(stored);
            kept = stored.ToPoint();
            return result;
        }
    }

    /// <summary>The kept points, oldest first, as stored (values rounded to single precision).</summary>
    /// <returns>A copy.</returns>
    public TimelinePoint[] Snapshot()
    {
        lock (_gate)
        {
            var copy = new TimelinePoint[_points.Count];
            for (int i = 0; i < copy.Length; i++) copy[i] = _points[i].ToPoint();
            return copy;
        }
    }

    /// <summary>A point as kept: 48 bytes instead of 72.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Stored(double T, float V, float I, float CLi, float A, float C, float Eps, int Z, float Sigma, float Counted)
    {
        public static Stored From(in TimelinePoint p) =>
            new(p.T, (float)p.V, (float)p.I, (float)p.CLi, (float)p.A, (float)p.C, (float)p.Eps, p.Z, p.Sigma, p.Counted);

        public TimelinePoint ToPoint() => new(T, V, I, CLi, A, C, Eps, Z, Sigma, Counted);
    }
}

/// <summary>What <see cref="CellTimeline.TryAdd"/> did with a sample.</summary>
public enum TimelineAdd
{
    /// <summary>Not on the stride: not kept, nothing to push.</summary>
    Skipped,

    /// <summary>Kept at the end.</summary>
    Kept,

    /// <summary>The timeline was full: every second point was dropped and the stride doubled, then the sample was kept.</summary>
    KeptAfterThinning,
}
