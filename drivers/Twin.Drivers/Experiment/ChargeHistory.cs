namespace Twin.Drivers.Experiment;

/// <summary>
/// The runner's charge counter at each of its most recent readings, so that a twin state about an earlier reading
/// can be carried forward to the present one (<see cref="LithiumNow"/>). A ring of <see cref="Capacity"/> entries in
/// time order (a reading stamped before the previous one is kept at the previous one's time, as the runner's charge
/// counter only integrates forward in time). Not thread-safe: the sampling loop owns it.
/// </summary>
public sealed class ChargeHistory
{
    private readonly long[] _time;
    private readonly double[] _charge;
    private int _next;
    private int _count;

    /// <summary>Creates an empty history.</summary>
    /// <param name="capacity">Readings kept (≥ 2).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 2.</exception>
    public ChargeHistory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _time = new long[capacity];
        _charge = new double[capacity];
    }

    /// <summary>Readings kept at most.</summary>
    public int Capacity => _time.Length;

    /// <summary>Readings held now.</summary>
    public int Count => _count;

    /// <summary>Records the charge counter at a reading.</summary>
    /// <param name="timeUnixNs">Reading time, ns since the Unix epoch (instrument clock).</param>
    /// <param name="chargeAh">The runner's charge counter then, A·h, positive on charge.</param>
    public void Add(long timeUnixNs, double chargeAh)
    {
        if (_count > 0) timeUnixNs = Math.Max(timeUnixNs, _time[(_next - 1 + Capacity) % Capacity]);
        _time[_next] = timeUnixNs;
        _charge[_next] = chargeAh;
        _next = (_next + 1) % Capacity;
        if (_count < Capacity) _count++;
    }

    /// <summary>The charge counter at the last reading taken at or before a time.</summary>
    /// <param name="timeUnixNs">The time, ns since the Unix epoch.</param>
    /// <param name="chargeAh">The counter then, A·h (0 when not found).</param>
    /// <returns>False when no reading that old is kept (the time lies before the oldest kept reading).</returns>
    public bool TryChargeAt(long timeUnixNs, out double chargeAh)
    {
        chargeAh = 0;
        if (_count == 0) return false;
        int oldest = (_next - _count + Capacity) % Capacity;
        if (timeUnixNs < _time[oldest]) return false;
        // binary search over the logical order 0 (oldest) … count − 1 (newest) for the last time ≤ timeUnixNs
        int lo = 0, hi = _count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_time[(oldest + mid) % Capacity] <= timeUnixNs) lo = mid;
            else hi = mid - 1;
        }
        chargeAh = _charge[(oldest + lo) % Capacity];
        return true;
    }
}
