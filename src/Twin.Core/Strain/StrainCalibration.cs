using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Twin.Core.Strain;

/// <summary>
/// Least-squares calibration of the anisotropic-strain master curve (Jousseaume et al. 2024, Fig. 7; docs/model.md §3) to a user's own
/// refined strain-versus-c_Li table: ε0, λ and c_crit with standard errors.
/// </summary>
/// <remarks>
/// Residuals are weighted by <see cref="StrainWeighting"/> (absolute, or relative to the measured ε) and whitened
/// before the minimiser sees them. Start values come from a grid over c_crit ∈ [0.25, 0.60] and λ ∈ [0.01, 0.5]
/// with ε0 solved in closed form (the model is linear in ε0); the start is then refined by Levenberg–Marquardt
/// (MathNet.Numerics) with the analytic Jacobian, within ε0 ∈ [10⁻¹², 10], λ ∈ [10⁻⁴, 5], c_crit ∈ [0, 1].
/// Standard errors are from (JᵀJ)⁻¹ of the whitened Jacobian at the minimum, scaled by the weighted residual
/// variance (n − 3 degrees of freedom). A table that cannot determine the three parameters is refused with the
/// reason rather than given meaningless (zero or infinite) errors.
/// </remarks>
public static class StrainCalibration
{
    private static readonly double[] s_lower = [1e-12, 1e-4, 0.0];
    private static readonly double[] s_upper = [10.0, 5.0, 1.0];
    private static readonly string[] s_names = ["ε0", "λ", "c_crit"];

    /// <summary>Fits ε0, λ and c_crit.</summary>
    /// <param name="cLi">Lithium contents of the measured points.</param>
    /// <param name="eps">Measured anisotropic strain at each point (dimensionless; divide percentages by 100).</param>
    /// <param name="weighting">Absolute (default) or relative-error weighting of the residuals.</param>
    /// <returns>The fit with uncertainties.</returns>
    /// <exception cref="ArgumentException">Lengths differ; fewer than 4 distinct c_Li (rows that repeat a c_Li do
    /// not add one); a non-finite value; ε ≤ 0 with relative weighting; the same ε at every point (a flat table);
    /// no point below 0.45 or none above it (the plateau and the exponential branch must both be sampled); or a
    /// table that does not determine the parameters: a parameter ends on its bound, fewer than 2 distinct c_Li below
    /// the fitted c_crit or none at or above it, or a singular covariance. Each message names the cause.</exception>
    public static StrainFit Fit(IReadOnlyList<double> cLi, IReadOnlyList<double> eps, StrainWeighting weighting = StrainWeighting.Absolute)
    {
        Validate(cLi, eps, weighting);
        int n = cLi.Count;
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = weighting == StrainWeighting.Relative ? 1 / eps[i] : 1;

        var x = Vector<double>.Build.DenseOfEnumerable(cLi);
        var y = Vector<double>.Build.Dense(n, i => eps[i] * s[i]);
        var start = GridStart(cLi, eps, s);

        var model = ObjectiveFunction.NonlinearModel(
            (p, xs) => Model(p, xs).PointwiseMultiply(Vector<double>.Build.DenseOfArray(s)),
            (p, xs) => Jacobian(p, xs, s), x, y);
        var result = new LevenbergMarquardtMinimizer(maximumIterations: 1000).FindMinimum(
            model, Vector<double>.Build.DenseOfArray(start),
            Vector<double>.Build.DenseOfArray(s_lower), Vector<double>.Build.DenseOfArray(s_upper));
        var p = result.MinimizingPoint;
        var curve = new AnisotropicStrainCurve(p[0], p[1], p[2]);
        CheckDetermined(curve, p, cLi);

        double sse = 0, ssw = 0, ssr = 0;
        for (int i = 0; i < n; i++)
        {
            double r = eps[i] - curve.Evaluate(cLi[i]);
            sse += r * r;
            ssw += r * r * s[i] * s[i];
            ssr += eps[i] == 0 ? double.NaN : r * r / (eps[i] * eps[i]);
        }
        double[] se = StandardErrors(p, x, s, ssw / (n - 3));
        return new StrainFit(curve, se[0], se[1], se[2], Math.Sqrt(sse / n), n, cLi.Count(c => c < curve.CCrit),
            weighting, Math.Sqrt(ssr / n));
    }

    private static void Validate(IReadOnlyList<double> cLi, IReadOnlyList<double> eps, StrainWeighting weighting)
    {
        if (cLi.Count != eps.Count)
            throw new ArgumentException($"c_Li and ε columns differ in length ({cLi.Count} vs {eps.Count})", nameof(eps));
        if (cLi.Count < 4)
            throw new ArgumentException($"need at least 4 (c_Li, ε) points to fit 3 parameters, got {cLi.Count}", nameof(cLi));
        for (int i = 0; i < cLi.Count; i++)
        {
            if (!double.IsFinite(cLi[i]) || !double.IsFinite(eps[i]))
                throw new ArgumentException($"point {i + 1} is not finite: c_Li = {cLi[i]}, ε = {eps[i]}", nameof(cLi));
            if (weighting == StrainWeighting.Relative && !(eps[i] > 0))
                throw new ArgumentException(Inv($"point {i + 1} has ε = {eps[i]:G6}: relative weighting needs ε > 0 at every point (use absolute weighting)"), nameof(eps));
        }
        int distinct = cLi.Distinct().Count();
        if (distinct < 4)
            throw new ArgumentException($"the table has only {distinct} distinct c_Li values in {cLi.Count} rows (repeated rows add no information): 3 parameters and their standard errors need at least 4", nameof(cLi));
        if (!cLi.Any(c => c < 0.45) || !cLi.Any(c => c >= 0.45))
            throw new ArgumentException("the table must sample both the plateau (c_Li ≥ 0.45) and the exponential branch (c_Li < 0.45)", nameof(cLi));
        double lo = eps.Min(), hi = eps.Max();
        if (hi - lo <= 1e-12 * Math.Max(Math.Abs(hi), Math.Abs(lo)))
            throw new ArgumentException(Inv($"ε is {hi:G6} at every point (a flat table): with no exponential growth, λ and c_crit are undetermined"), nameof(eps));
    }

    private static void CheckDetermined(AnisotropicStrainCurve curve, Vector<double> p, IReadOnlyList<double> cLi)
    {
        for (int k = 0; k < 3; k++)
        {
            double span = s_upper[k] - s_lower[k];
            if (p[k] <= s_lower[k] + 1e-9 * span || p[k] >= s_upper[k] - 1e-9 * span)
                throw new ArgumentException(Inv($"the fit ran {s_names[k]} to the bound {(p[k] <= s_lower[k] + 1e-9 * span ? s_lower[k] : s_upper[k]):G6} of its range [{s_lower[k]:G6}, {s_upper[k]:G6}]: the table does not determine it (does ε grow below some c_Li, and is the plateau above it sampled?)"), nameof(cLi));
        }
        int below = cLi.Where(c => c < curve.CCrit).Distinct().Count();
        int above = cLi.Where(c => c >= curve.CCrit).Distinct().Count();
        if (below < 2 || above < 1)
            throw new ArgumentException(Inv($"the fitted c_crit = {curve.CCrit:F4} leaves {below} distinct c_Li below it and {above} at or above: λ and c_crit need at least 2 below, ε0 at least 1 above"), nameof(cLi));
    }

    private static double[] StandardErrors(Vector<double> p, Vector<double> x, double[] s, double residualVariance)
    {
        var j = Jacobian(p, x, s);
        // Columns scaled to unit length so that the conditioning test does not depend on the units of ε0, λ, c_crit.
        double[] norm = new double[3];
        for (int k = 0; k < 3; k++)
        {
            norm[k] = j.Column(k).L2Norm();
            if (!(norm[k] > 0))
                throw new ArgumentException($"no point of the table depends on {s_names[k]} at the fitted curve: it is undetermined");
        }
        var scaled = Matrix<double>.Build.Dense(j.RowCount, 3, (r, k) => j[r, k] / norm[k]);
        var sv = scaled.Svd(false).S;
        if (sv[sv.Count - 1] < 1e-8 * sv[0])
            throw new ArgumentException(Inv($"the fit's covariance is singular (condition number {sv[0] / sv[sv.Count - 1]:G3}): the table cannot tell ε0, λ and c_crit apart"));
        var cov = (scaled.TransposeThisAndMultiply(scaled)).Inverse() * residualVariance;
        return [Math.Sqrt(cov[0, 0]) / norm[0], Math.Sqrt(cov[1, 1]) / norm[1], Math.Sqrt(cov[2, 2]) / norm[2]];
    }

    private static Vector<double> Model(Vector<double> p, Vector<double> x)
    {
        var curve = new AnisotropicStrainCurve(p[0], p[1], p[2]);
        return x.Map(curve.Evaluate);
    }

    private static Matrix<double> Jacobian(Vector<double> p, Vector<double> x, double[] s)
    {
        double e0 = p[0], lambda = p[1], cc = p[2];
        var j = Matrix<double>.Build.Dense(x.Count, 3);
        for (int i = 0; i < x.Count; i++)
        {
            if (x[i] >= cc)
            {
                j[i, 0] = s[i];
                continue;
            }
            double u = (cc - x[i]) / lambda;
            double g = Math.Exp(u);
            j[i, 0] = s[i] * g;
            j[i, 1] = -s[i] * e0 * g * u / lambda;
            j[i, 2] = s[i] * e0 * g / lambda;
        }
        return j;
    }

    private static double[] GridStart(IReadOnlyList<double> cLi, IReadOnlyList<double> eps, double[] s)
    {
        double best = double.PositiveInfinity;
        double[] start = [1e-3, 0.08, 0.40];
        for (double cc = 0.25; cc <= 0.60 + 1e-9; cc += 0.005)
        {
            for (double lnL = Math.Log(0.01); lnL <= Math.Log(0.5); lnL += 0.05)
            {
                double lambda = Math.Exp(lnL);
                double sgy = 0, sgg = 0;
                for (int i = 0; i < cLi.Count; i++)
                {
                    double g = s[i] * (cLi[i] >= cc ? 1 : Math.Exp((cc - cLi[i]) / lambda));
                    sgy += g * eps[i] * s[i];
                    sgg += g * g;
                }
                double e0 = Math.Max(sgy / sgg, 1e-12);
                double sse = 0;
                for (int i = 0; i < cLi.Count; i++)
                {
                    double g = cLi[i] >= cc ? 1 : Math.Exp((cc - cLi[i]) / lambda);
                    double r = s[i] * (eps[i] - e0 * g);
                    sse += r * r;
                }
                if (sse < best)
                {
                    best = sse;
                    start = [e0, lambda, cc];
                }
            }
        }
        return start;
    }

    private static string Inv(FormattableString f) => f.ToString(CultureInfo.InvariantCulture);
}
