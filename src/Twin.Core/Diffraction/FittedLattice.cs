namespace Twin.Core.Diffraction;

/// <summary>
/// Lattice parameters a and c of the hexagonal cell from fitted d-spacings, with their covariance.
/// </summary>
/// <param name="AA">a, Å.</param>
/// <param name="ASigmaA">Standard uncertainty of a, Å.</param>
/// <param name="CA">c, Å.</param>
/// <param name="CSigmaA">Standard uncertainty of c, Å.</param>
/// <param name="CovarianceAC">Covariance of a and c, Å² (a from (104) depends on c from (003)).</param>
/// <param name="ReducedChiSquare">χ²/(n − 2) of the d-spacings against the hexagonal cell; NaN with only two reflections.</param>
/// <param name="Reflections">Number of reflections used.</param>
public readonly record struct FittedLattice(
    double AA, double ASigmaA, double CA, double CSigmaA, double CovarianceAC, double ReducedChiSquare, int Reflections)
{
    /// <summary>
    /// Solves 1/d² = A·(h² + hk + k²) + C·l² with A = 4/(3a²), C = 1/c² (linear in A and C) by weighted least squares
    /// (weights 1/σ²(1/d²), σ(1/d²) = 2σ_d/d³), then a = √(4/(3A)), c = 1/√C with first-order propagation. With more
    /// than two reflections the covariance is scaled by max(1, reduced χ²) (the Birge ratio).
    /// </summary>
    /// <param name="peaks">Fitted reflections (failed ones are skipped).</param>
    /// <returns>The lattice, or null when the fitted reflections do not determine both A and C (e.g. no reflection with
    /// h or k ≠ 0), or the solution is unphysical (A or C ≤ 0).</returns>
    public static FittedLattice? Solve(IEnumerable<ReflectionFit> peaks)
    {
        double n11 = 0, n12 = 0, n22 = 0, r1 = 0, r2 = 0;
        var used = new List<(double M, double L2, double Q, double W)>();
        foreach (var p in peaks)
        {
            if (!p.Succeeded) continue;
            double d = p.DSpacingA, sq = 2 * p.DSpacingSigmaA / (d * d * d);
            double q = 1 / (d * d), w = 1 / (sq * sq), m = 4.0 / 3.0 * p.Reflection.InPlane, l2 = (double)p.Reflection.L * p.Reflection.L;
            n11 += w * m * m;
            n12 += w * m * l2;
            n22 += w * l2 * l2;
            r1 += w * m * q;
            r2 += w * l2 * q;
            used.Add((m, l2, q, w));
        }
        double det = n11 * n22 - n12 * n12;
        if (used.Count < 2 || !(det > 1e-9 * n11 * n22)) return null;
        double a4 = (n22 * r1 - n12 * r2) / det;     // A' = 1/a² (m already carries 4/3)
        double cc = (n11 * r2 - n12 * r1) / det;     // C = 1/c²
        if (!(a4 > 0) || !(cc > 0)) return null;
        double v11 = n22 / det, v22 = n11 / det, v12 = -n12 / det;
        double reduced = double.NaN;
        if (used.Count > 2)
        {
            double chi2 = 0;
            foreach (var (m, l2, q, w) in used)
            {
                double r = q - a4 * m - cc * l2;
                chi2 += w * r * r;
            }
            reduced = chi2 / (used.Count - 2);
            double scale = Math.Max(1, reduced);
            v11 *= scale;
            v22 *= scale;
            v12 *= scale;
        }
        double a = 1 / Math.Sqrt(a4), c = 1 / Math.Sqrt(cc);
        double ja = -a / (2 * a4), jc = -c / (2 * cc);   // ∂a/∂A', ∂c/∂C
        return new FittedLattice(a, Math.Abs(ja) * Math.Sqrt(v11), c, Math.Abs(jc) * Math.Sqrt(v22), ja * jc * v12, reduced, used.Count);
    }
}
