namespace Twin.Core.Estimation;

/// <summary>
/// Counted charge at recent sample times, so that a measurement that arrives after later samples (a diffraction
/// pattern's mid-exposure) can be placed on the charge counted since it. A fixed ring of points at least
/// <see cref="SpacingS"/> apart; allocates nothing after construction. Not checkpointed.
/// </summary>
internal sealed class ChargeHistory
{
    /// <summary>Points kept.</summary>
    public const int Capacity = 512;

    /// <summary>Least time between two kept points, s: at 1 s, the ring covers at least 8.5 minutes.</summary>
    public const double SpacingS = 1.0;

    private readonly double[] _t = new double[Capacity];
    private readonly double[] _q = new double[Capacity];
    private int _next;
    private int _count;

    /// <summary>Records the counted charge at a sample, if it is at least <see cref="SpacingS"/> after the last point.</summary>
    /// <param name="timeS">Sample time, s.</param>
    /// <param name="chargeAh">Counted charge after the sample, A·h.</param>
    public void Add(double timeS, double chargeAh)
    {
        if (_count > 0 && !(timeS - _t[Index(_count - 1)] >= SpacingS)) return;
        _t[_next] = timeS;
        _q[_next] = chargeAh;
        _next = (_next + 1) % Capacity;
        if (_count < Capacity) _count++;
    }

    /// <summary>The counted charge at a time between the oldest point and the last sample, linearly interpolated.</summary>
    /// <param name="timeS">The time asked for, s (at most <paramref name="nowS"/>).</param>
    /// <param name="nowS">Time of the last sample, s.</param>
    /// <param name="chargeNowAh">Counted charge after the last sample, A·h.</param>
    /// <param name="chargeAh">The charge at <paramref name="timeS"/>.</param>
    /// <returns>False when <paramref name="timeS"/> is before the oldest point kept.</returns>
    public bool TryChargeAt(double timeS, double nowS, double chargeNowAh, out double chargeAh)
    {
        chargeAh = chargeNowAh;
        if (timeS == nowS) return true;
        if (_count == 0 || timeS < _t[Index(0)]) return false;
        int last = Index(_count - 1);
        if (timeS >= _t[last])
        {
            chargeAh = Interpolate(_t[last], _q[last], nowS, chargeNowAh, timeS);
            return true;
        }
        int lo = 0, hi = _count - 1; // t[lo] ≤ timeS < t[hi]
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >> 1;
            if (_t[Index(mid)] <= timeS) lo = mid; else hi = mid;
        }
        int a = Index(lo), b = Index(hi);
        chargeAh = Interpolate(_t[a], _q[a], _t[b], _q[b], timeS);
        return true;
    }

    private int Index(int logical) => (_next - _count + logical + Capacity) % Capacity;

    private static double Interpolate(double t0, double q0, double t1, double q1, double t) =>
        t1 > t0 ? q0 + (q1 - q0) * ((t - t0) / (t1 - t0)) : q1;
}
