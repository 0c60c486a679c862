namespace Twin.Core.Numerics;

/// <summary>
/// Piecewise cubic Hermite interpolant that preserves the shape (monotonicity, local extrema) of its
/// knots: PCHIP, with the derivative at interior knots the weighted harmonic mean of the adjacent
/// secants (Fritsch &amp; Butland, SIAM J. Sci. Stat. Comput. 5 (1984) 300) and the shape-preserving
/// three-point end conditions (Moler, Numerical Computing with MATLAB, 2004, §3.4).
/// </summary>
/// <remarks>
/// A knot whose neighbouring secants differ in sign (or one is zero) gets a zero derivative, so a knot
/// that is a local maximum is exactly the maximum of the curve and repeated values give an exact
/// plateau. Evaluation is allocation-free. Outside the knot range the end values are returned
/// (constant extrapolation) and <see cref="Derivative"/> returns 0.
/// </remarks>
public sealed class Pchip
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _m;

    /// <summary>Builds the interpolant.</summary>
    /// <param name="x">Knot abscissae, strictly ascending, at least two.</param>
    /// <param name="y">Knot values, same length as <paramref name="x"/>, finite.</param>
    /// <exception cref="ArgumentException">Lengths differ, fewer than two knots, non-finite values, or
    /// <paramref name="x"/> not strictly ascending.</exception>
    public Pchip(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"knot arrays differ in length: {x.Length} abscissae, {y.Length} values", nameof(y));
        if (x.Length < 2)
            throw new ArgumentException($"PCHIP needs at least two knots, got {x.Length}", nameof(x));
        for (int i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                throw new ArgumentException($"knot {i} is not finite: ({x[i]}, {y[i]})", nameof(x));
            if (i > 0 && !(x[i] > x[i - 1]))
                throw new ArgumentException($"knot abscissae must be strictly ascending: x[{i - 1}] = {x[i - 1]}, x[{i}] = {x[i]}", nameof(x));
        }
        _x = x.ToArray();
        _y = y.ToArray();
        _m = Slopes(_x, _y);
    }

    /// <summary>Smallest knot abscissa.</summary>
    public double MinX => _x[0];

    /// <summary>Largest knot abscissa.</summary>
    public double MaxX => _x[^1];

    /// <summary>Knot abscissae (copy-free view).</summary>
    public ReadOnlySpan<double> KnotX => _x;

    /// <summary>Knot values (copy-free view).</summary>
    public ReadOnlySpan<double> KnotY => _y;

    /// <summary>Value at <paramref name="x"/>; the end value outside the knot range.</summary>
    /// <param name="x">Abscissa.</param>
    /// <returns>Interpolated value; NaN when <paramref name="x"/> is NaN.</returns>
    public double Evaluate(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x <= _x[0]) return _y[0];
        if (x >= _x[^1]) return _y[^1];
        int i = Interval(x);
        double h = _x[i + 1] - _x[i];
        double t = (x - _x[i]) / h;
        double t2 = t * t, t3 = t2 * t;
        return (2 * t3 - 3 * t2 + 1) * _y[i]
             + (t3 - 2 * t2 + t) * h * _m[i]
             + (-2 * t3 + 3 * t2) * _y[i + 1]
             + (t3 - t2) * h * _m[i + 1];
    }

    /// <summary>First derivative at <paramref name="x"/>; 0 outside the knot range.</summary>
    /// <param name="x">Abscissa.</param>
    /// <returns>dy/dx.</returns>
    public double Derivative(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < _x[0] || x > _x[^1]) return 0;
        if (x == _x[^1]) return _m[^1];
        int i = Interval(x);
        double h = _x[i + 1] - _x[i];
        double t = (x - _x[i]) / h;
        double t2 = t * t;
        return ((6 * t2 - 6 * t) * _y[i] + (6 * t - 6 * t2) * _y[i + 1]) / h
             + (3 * t2 - 4 * t + 1) * _m[i]
             + (3 * t2 - 2 * t) * _m[i + 1];
    }

    private int Interval(double x)
    {
        int lo = 0, hi = _x.Length - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >> 1;
            if (_x[mid] <= x) lo = mid; else hi = mid;
        }
        return lo;
    }

    private static double[] Slopes(double[] x, double[] y)
    {
        int n = x.Length;
        var h = new double[n - 1];
        var d = new double[n - 1];
        for (int i = 0; i < n - 1; i++)
        {
            h[i] = x[i + 1] - x[i];
            d[i] = (y[i + 1] - y[i]) / h[i];
        }
        var m = new double[n];
        if (n == 2)
        {
            m[0] = m[1] = d[0];
            return m;
        }
        for (int i = 1; i < n - 1; i++)
        {
            if (d[i - 1] * d[i] <= 0)
            {
                m[i] = 0;
                continue;
            }
            double w1 = 2 * h[i] + h[i - 1];
            double w2 = h[i] + 2 * h[i - 1];
            m[i] = (w1 + w2) / (w1 / d[i - 1] + w2 / d[i]);
        }
        m[0] = EndSlope(h[0], h[1], d[0], d[1]);
        m[n - 1] = EndSlope(h[n - 2], h[n - 3], d[n - 2], d[n - 3]);
        return m;
    }

    private static double EndSlope(double h0, double h1, double d0, double d1)
    {
        double s = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
        if (Math.Sign(s) != Math.Sign(d0)) return 0;
        if (Math.Sign(d0) != Math.Sign(d1) && Math.Abs(s) > Math.Abs(3 * d0)) return 3 * d0;
        return s;
    }
}
