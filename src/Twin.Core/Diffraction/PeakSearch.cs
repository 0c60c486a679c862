using System.Buffers;
using System.Globalization;

namespace Twin.Core.Diffraction;

/// <summary>A peak found in a search window: starting values for the least-squares fit.</summary>
/// <param name="Center">Position of the highest smoothed intensity (radial unit).</param>
/// <param name="Height">Smoothed height above the background estimate (intensity unit).</param>
/// <param name="Background">Background estimate: lower quartile of the intensities around the window.</param>
/// <param name="Fwhm">Width at half height of the smoothed data (radial unit).</param>
/// <param name="Noise">Standard deviation of one intensity value away from peaks.</param>
internal readonly record struct PeakGuess(double Center, double Height, double Background, double Fwhm, double Noise);

/// <summary>
/// Finds the peak of a reflection inside the window where the lattice model allows it: the highest point of the
/// intensities smoothed over five points, tested against the noise, with a first width from its half-maximum crossings.
/// Nothing here knows the answer: the window spans the model's whole c_Li range.
/// </summary>
internal static class PeakSearch
{
    private const int Smooth = 2; // half width of the moving average

    /// <summary>Searches [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <returns>The guess, or a failure with its message.</returns>
    public static (PeakGuess Guess, DiffractionFitFailure? Failure, string? Message) Find(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> sigma,
        double low, double high, double minSignificance, string unit)
    {
        var ci = CultureInfo.InvariantCulture;
        int n = x.Length;
        int i0 = LowerBound(x, low), i1 = LowerBound(x, high) - 1;
        if (i0 >= n || i1 < 0 || i1 < i0)
            return (default, DiffractionFitFailure.NotInMeasuredRange,
                string.Create(ci, $"the model puts it at {low:0.####}–{high:0.####}{unit}, outside the measured {x[0]:0.####}–{x[^1]:0.####}{unit}"));
        if (i1 - i0 + 1 < 5)
            return (default, DiffractionFitFailure.TooFewPoints,
                string.Create(ci, $"only {i1 - i0 + 1} points in {low:0.####}–{high:0.####}{unit}; at least 5 expected"));

        int span = Math.Max(i1 - i0 + 1, 10);
        int e0 = Math.Max(0, i0 - span), e1 = Math.Min(n - 1, i1 + span);
        int imax = i0;
        double best = double.NegativeInfinity;
        for (int i = i0; i <= i1; i++)
        {
            double s = Smoothed(y, i);
            if (s > best)
            {
                best = s;
                imax = i;
            }
        }

        double background = LowerQuartile(y[e0..(e1 + 1)]);
        double noise = sigma.IsEmpty ? DifferenceNoise(y[e0..(e1 + 1)]) : Median(sigma[e0..(e1 + 1)]);
        double height = best - background;
        double significance = noise > 0 ? height / noise : double.PositiveInfinity;
        if (!(height > 0) || significance < minSignificance)
            return (default, DiffractionFitFailure.NoPeak,
                string.Create(ci, $"no peak in {low:0.####}–{high:0.####}{unit}: highest point {significance:0.0}σ above the background, {minSignificance:0.#}σ needed"));

        bool atDataEdge = imax <= 1 || imax >= n - 2;
        if (imax <= i0 + 1 || imax >= i1 - 1 || atDataEdge)
        {
            // A maximum on the window's edge is a real peak inside only if the intensity falls beyond the edge too.
            int outside = imax <= i0 + 1 ? Math.Max(0, i0 - 3) : Math.Min(n - 1, i1 + 3);
            if (atDataEdge || Smoothed(y, outside) >= best - noise)
                return (default, DiffractionFitFailure.PeakAtWindowEdge,
                    string.Create(ci, $"the highest intensity of {low:0.####}–{high:0.####}{unit} is at {x[imax]:0.####}{unit}, on the edge of {(atDataEdge ? "the measured range" : "where the lattice model allows the peak")} (wrong material, wavelength or calibration?)"));
        }

        double half = background + height / 2;
        double left = Crossing(x, y, imax, -1, e0, half);
        double right = Crossing(x, y, imax, +1, e1, half);
        double fwhm = (double.IsNaN(left), double.IsNaN(right)) switch
        {
            (false, false) => right - left,
            (true, false) => 2 * (right - x[imax]),
            (false, true) => 2 * (x[imax] - left),
            _ => double.NaN,
        };
        double step = (x[Math.Min(n - 1, imax + 1)] - x[Math.Max(0, imax - 1)]) / 2;
        if (double.IsNaN(fwhm))
            return (default, DiffractionFitFailure.NoPeak,
                string.Create(ci, $"the rise at {x[imax]:0.####}{unit} does not fall to half height within {x[e0]:0.####}–{x[e1]:0.####}{unit}: not a peak"));
        return (new PeakGuess(x[imax], height, background, Math.Max(fwhm, 2 * step), noise), null, null);
    }

    /// <summary>Five-point moving average (clamped at the ends).</summary>
    internal static double Smoothed(ReadOnlySpan<double> y, int i)
    {
        int a = Math.Max(0, i - Smooth), b = Math.Min(y.Length - 1, i + Smooth);
        double s = 0;
        for (int k = a; k <= b; k++) s += y[k];
        return s / (b - a + 1);
    }

    /// <summary>Index of the first x ≥ value.</summary>
    internal static int LowerBound(ReadOnlySpan<double> x, double value)
    {
        int lo = 0, hi = x.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (x[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static double Crossing(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int from, int direction, int limit, double level)
    {
        double prev = Smoothed(y, from);
        for (int i = from + direction; direction < 0 ? i >= limit : i <= limit; i += direction)
        {
            double s = Smoothed(y, i);
            if (s <= level)
            {
                double t = (prev - level) / (prev - s);
                return x[i - direction] + t * (x[i] - x[i - direction]);
            }
            prev = s;
        }
        return double.NaN;
    }

    private static double LowerQuartile(ReadOnlySpan<double> values) => Quantile(values, 0.25);

    private static double Median(ReadOnlySpan<double> values) => Quantile(values, 0.5);

    /// <summary>Noise of single values from the median absolute first difference (robust against peaks).</summary>
    private static double DifferenceNoise(ReadOnlySpan<double> y)
    {
        if (y.Length < 3) return 0;
        double[] d = ArrayPool<double>.Shared.Rent(y.Length - 1);
        try
        {
            for (int i = 1; i < y.Length; i++) d[i - 1] = Math.Abs(y[i] - y[i - 1]);
            // MAD of a difference of two independent values: σ·√2·0.6745.
            return Quantile(d.AsSpan(0, y.Length - 1), 0.5) / (0.6744897501960817 * Math.Sqrt(2));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(d);
        }
    }

    private static double Quantile(ReadOnlySpan<double> values, double q)
    {
        double[] copy = ArrayPool<double>.Shared.Rent(values.Length);
        try
        {
            var s = copy.AsSpan(0, values.Length);
            values.CopyTo(s);
            s.Sort();
            return s[(int)Math.Round(q * (s.Length - 1))];
        }
        finally
        {
            ArrayPool<double>.Shared.Return(copy);
        }
    }
}
