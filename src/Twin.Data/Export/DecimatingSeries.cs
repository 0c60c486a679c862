namespace Twin.Data.Export;

/// <summary>
/// Bounded-memory collector that keeps at most <see cref="Capacity"/> <see cref="ReportPoint"/>s out of a stream of
/// unknown length, for plotting a whole replay in the offline report.
/// </summary>
/// <remarks>
/// <para><b>Algorithm (min-c_Li bucket decimation with stride doubling).</b>
/// The very first point is kept apart. Every later point belongs to a <i>bucket</i> of <c>k</c> consecutive points
/// (<see cref="Stride"/>; <c>k = 1</c> at the start), and each completed bucket is represented by a single point: the
/// one with the <b>lowest c_Li</b> in that bucket (the earliest one on ties; a NaN c_Li loses against any number).
/// Completed representatives go into a fixed buffer of <c>M</c> slots (<c>M</c> even). When a bucket completes
/// and the buffer is full, adjacent pairs of buckets (0,1), (2,3), … are merged in place into buckets of
/// <c>2k</c> points, each keeping the lower-c_Li representative of the pair; the buffer is then half full and
/// <c>k</c> doubles. Because <c>M</c> is even, bucket boundaries stay aligned, so every stored point remains
/// the c_Li minimum of a contiguous run of at most <c>k</c> input points. A point is only ever dropped in favour
/// of a lower c_Li within the same run, so the global minimum is always kept, and so is the minimum of every
/// charge as long as charges are more than <c>k</c> samples apart (with the default capacity, <c>k</c> stays
/// below 1/1000 of the stream length). The bucket still being filled contributes its running
/// minimum, and the most recent point is kept as well, so the output always starts with the first and ends
/// with the last point added.</para>
/// <para>The output is in arrival order and holds at most <c>M + 3 ≤ Capacity</c> points. Voltage, current
/// and the lattice columns are sampled at the retained points. While at most <c>M + 1</c> points have been
/// added nothing is dropped.</para>
/// <para><see cref="Add"/> allocates nothing: all storage is allocated by the constructor. The type is not
/// thread-safe.</para>
/// </remarks>
public sealed class DecimatingSeries
{
    /// <summary>Default maximum number of retained points.</summary>
    public const int DefaultCapacity = 4000;

    /// <summary>Smallest accepted capacity.</summary>
    public const int MinCapacity = 8;

    private readonly ReportPoint[] _reps;
    private readonly long[] _repIndex;
    private int _repCount;

    private ReportPoint _first;
    private ReportPoint _last;
    private long _added;

    private long _stride = 1;
    private long _pendingCount;
    private ReportPoint _pending;
    private long _pendingIndex;

    /// <summary>Creates a collector that keeps at most <paramref name="capacity"/> points.</summary>
    /// <param name="capacity">Maximum number of points returned by <see cref="ToArray"/>; at least <see cref="MinCapacity"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below <see cref="MinCapacity"/>.</exception>
    public DecimatingSeries(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, MinCapacity);
        Capacity = capacity;
        int slots = (capacity - 3) & ~1; // even, leaves room for first, pending and last
        _reps = new ReportPoint[slots];
        _repIndex = new long[slots];
    }

    /// <summary>Maximum number of points returned by <see cref="ToArray"/>.</summary>
    public int Capacity { get; }

    /// <summary>Total number of points passed to <see cref="Add"/>.</summary>
    public long TotalAdded => _added;

    /// <summary>Current bucket size <c>k</c>: how many input points one retained point stands for (a power of two).</summary>
    public long Stride => _stride;

    /// <summary>Number of points <see cref="ToArray"/> would return now.</summary>
    public int Count
    {
        get
        {
            if (_added == 0) return 0;
            int count = 1 + _repCount;
            if (_pendingCount > 0) count++;
            long lastIndex = _added - 1;
            if (lastIndex > 0 && !IsRetainedRep(lastIndex)) count++;
            return count;
        }
    }

    /// <summary>Adds the next point of the stream (in time order). Allocates nothing.</summary>
    /// <param name="point">The point.</param>
    public void Add(in ReportPoint point)
    {
        long index = _added++;
        _last = point;
        if (index == 0)
        {
            _first = point;
            return;
        }

        if (_pendingCount == 0 || IsLower(point.CLi, _pending.CLi))
        {
            _pending = point;
            _pendingIndex = index;
        }

        if (++_pendingCount < _stride) return;

        // The bucket is complete: store its representative, merging pairs first if the buffer is full.
        if (_repCount == _reps.Length) MergePairs();
        _reps[_repCount] = _pending;
        _repIndex[_repCount] = _pendingIndex;
        _repCount++;
        _pendingCount = 0;
    }

    /// <summary>Forgets every point; the capacity is kept.</summary>
    public void Clear()
    {
        _repCount = 0;
        _added = 0;
        _stride = 1;
        _pendingCount = 0;
        _first = _last = _pending = default;
        _pendingIndex = 0;
    }

    /// <summary>Copies the retained points, in arrival order, into <paramref name="destination"/>.</summary>
    /// <param name="destination">Target span; must hold at least <see cref="Count"/> points.</param>
    /// <returns>The number of points written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Count"/>.</exception>
    public int CopyTo(Span<ReportPoint> destination)
    {
        int count = Count;
        if (destination.Length < count)
            throw new ArgumentException($"The destination holds {destination.Length} points but {count} are retained.", nameof(destination));
        if (count == 0) return 0;

        int w = 0;
        destination[w++] = _first;
        _reps.AsSpan(0, _repCount).CopyTo(destination[w..]);
        w += _repCount;
        if (_pendingCount > 0) destination[w++] = _pending;
        long lastIndex = _added - 1;
        if (lastIndex > 0 && !IsRetainedRep(lastIndex)) destination[w++] = _last;
        return w;
    }

    /// <summary>Returns the retained points in arrival order: the first point added, one minimum-c_Li point per bucket, and the last point added.</summary>
    /// <returns>A new array of at most <see cref="Capacity"/> points.</returns>
    public ReportPoint[] ToArray()
    {
        var result = new ReportPoint[Count];
        CopyTo(result);
        return result;
    }

    // True when the input point at `index` is already in the output as a bucket representative.
    private bool IsRetainedRep(long index) =>
        (_pendingCount > 0 && _pendingIndex == index) || (_repCount > 0 && _repIndex[_repCount - 1] == index);

    // Pairs of buckets (2j, 2j+1) become bucket j of twice the stride, keeping the lower-c_Li representative.
    private void MergePairs()
    {
        int half = _repCount / 2;
        for (int j = 0; j < half; j++)
        {
            int a = 2 * j, b = a + 1;
            int keep = IsLower(_reps[b].CLi, _reps[a].CLi) ? b : a;
            _reps[j] = _reps[keep];
            _repIndex[j] = _repIndex[keep];
        }
        _repCount = half;
        _stride *= 2;
    }

    // Strictly lower c_Li; a number beats NaN, NaN never beats anything (so ties and NaNs keep the earlier point).
    private static bool IsLower(double candidate, double current) =>
        candidate < current || (double.IsNaN(current) && !double.IsNaN(candidate));
}
