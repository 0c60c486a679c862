namespace Twin.Core.Numerics;

/// <summary>
/// Local quadratic least squares with tricube weights (LOESS of degree 2: Cleveland, J. Am. Stat. Assoc. 74
/// (1979) 829; Cleveland &amp; Devlin, J. Am. Stat. Assoc. 83 (1988) 596): smooths scattered measured points
/// into a value, a slope and the scatter of the points about the local fit.
/// </summary>
public static class LocalQuadratic
{
    /// <summary>Result of one local fit.</summary>
    /// <param name="Value">Fitted value at the centre.</param>
    /// <param name="Slope">Fitted first derivative at the centre.</param>
    /// <param name="ResidualRms">Weighted root-mean-square residual of the points about the local parabola,
    /// corrected for the three fitted parameters (same unit as the values).</param>
    /// <param name="Points">Number of points with non-zero weight.</param>
    public readonly record struct Fit(double Value, double Slope, double ResidualRms, int Points);

    /// <summary>Fits y ≈ b0 + b1 (x − x0) + b2 (x − x0)² with weights (1 − |u|³)³, u = (x − x0)/h, |u| &lt; 1.</summary>
    /// <param name="x">Abscissae (any order).</param>
    /// <param name="y">Values, same length.</param>
    /// <param name="x0">Centre of the fit.</param>
    /// <param name="bandwidth">Half-width h of the window, &gt; 0.</param>
    /// <returns>The fit at <paramref name="x0"/>.</returns>
    /// <exception cref="ArgumentException">Lengths differ, the bandwidth is not positive, or the window holds fewer
    /// than four points or an effective (weighted) number of points of 3 or less.</exception>
    public static Fit At(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double x0, double bandwidth)
    {
        if (x.Length != y.Length) throw new ArgumentException($"{x.Length} abscissae but {y.Length} values", nameof(y));
        if (!(bandwidth > 0) || !double.IsFinite(bandwidth)) throw new ArgumentException($"bandwidth must be a positive number, got {bandwidth}", nameof(bandwidth));
        // Normal equations in the scaled variable u = (x − x0)/h (well conditioned).
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0, sw2 = 0;
        int n = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double u = (x[i] - x0) / bandwidth;
            double w = Tricube(u);
            if (w == 0) continue;
            double u2 = u * u;
            s0 += w; s1 += w * u; s2 += w * u2; s3 += w * u2 * u; s4 += w * u2 * u2;
            t0 += w * y[i]; t1 += w * u * y[i]; t2 += w * u2 * y[i];
            sw2 += w * w;
            n++;
        }
        if (n < 4) throw new ArgumentException($"only {n} point(s) within ±{bandwidth} of {x0}: a local quadratic needs at least 4", nameof(x));
        // Solve [[s0 s1 s2][s1 s2 s3][s2 s3 s4]] b = t by Cramer's rule.
        double det = s0 * (s2 * s4 - s3 * s3) - s1 * (s1 * s4 - s3 * s2) + s2 * (s1 * s3 - s2 * s2);
        if (!(Math.Abs(det) > 0)) throw new ArgumentException($"the points near {x0} do not determine a parabola (degenerate abscissae)", nameof(x));
        double b0 = (t0 * (s2 * s4 - s3 * s3) - s1 * (t1 * s4 - s3 * t2) + s2 * (t1 * s3 - s2 * t2)) / det;
        double b1 = (s0 * (t1 * s4 - t2 * s3) - t0 * (s1 * s4 - s3 * s2) + s2 * (s1 * t2 - t1 * s2)) / det;
        double b2 = (s0 * (s2 * t2 - s3 * t1) - s1 * (s1 * t2 - s2 * t1) + t0 * (s1 * s3 - s2 * s2)) / det;
        double r2 = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double u = (x[i] - x0) / bandwidth;
            double r = y[i] - (b0 + b1 * u + b2 * u * u);
            r2 += Tricube(u) * r * r;
        }
        double nEff = s0 * s0 / sw2;
        if (!(nEff > 3)) throw new ArgumentException($"the points near {x0} weigh as {nEff:0.#} effective points: a local quadratic needs more than 3", nameof(x));
        return new Fit(b0, b1 / bandwidth, Math.Sqrt(r2 / s0 * nEff / (nEff - 3)), n);
    }

    private static double Tricube(double u)
    {
        double a = Math.Abs(u);
        if (a >= 1) return 0;
        double c = 1 - a * a * a;
        return c * c * c;
    }
}
