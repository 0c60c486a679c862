using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Twin.Core.Strain;

/// <summary>
/// Least-squares calibration of the anisotropic-strain master curve (Jousseaume et al. 2024, Fig. 7; docs/model.md §3) to a user's own
/// refined strain-versus-c_Li table: ε0, λ and c_crit with standard errors.
/// </summary>
/// <remarks>
/// Start values come from a grid over c_crit ∈ [0.25, 0.60] and λ ∈ [0.01, 0.5] with ε0 solved in closed
/// form (the model is linear in ε0); the start is then refined by Levenberg–Marquardt (MathNet.Numerics)
/// with the analytic Jacobian. Standard errors are from the covariance of the final Jacobian scaled by the
/// residual variance (n − 3 degrees of freedom).
/// </remarks>
public static class StrainCalibration
{
    /// <summary>Fits ε0, λ and c_crit.</summary>
    /// <param name="cLi">Lithium contents of the measured points.</param>
    /// <param name="eps">Measured anisotropic strain at each point (dimensionless; divide percentages by 100).</param>
    /// <returns>The fit with uncertainties.</returns>
    /// <exception cref="ArgumentException">Lengths differ; fewer than 4 points; a non-finite value; no
    /// point below 0.45 or none above it (the plateau and the exponential branch must both be sampled).</exception>
    public static StrainFit Fit(IReadOnlyList<double> cLi, IReadOnlyList<double> eps)
    {
        if (cLi.Count != eps.Count)
            throw new ArgumentException($"c_Li and ε columns differ in length ({cLi.Count} vs {eps.Count})", nameof(eps));
        if (cLi.Count < 4)
            throw new ArgumentException($"need at least 4 (c_Li, ε) points to fit 3 parameters, got {cLi.Count}", nameof(cLi));
        for (int i = 0; i < cLi.Count; i++)
        {
            if (!double.IsFinite(cLi[i]) || !double.IsFinite(eps[i]))
                throw new ArgumentException($"point {i + 1} is not finite: c_Li = {cLi[i]}, ε = {eps[i]}", nameof(cLi));
        }
        if (!cLi.Any(c => c < 0.45) || !cLi.Any(c => c >= 0.45))
            throw new ArgumentException("the table must sample both the plateau (c_Li ≥ 0.45) and the exponential branch (c_Li < 0.45)", nameof(cLi));

        var x = Vector<double>.Build.DenseOfEnumerable(cLi);
        var y = Vector<double>.Build.DenseOfEnumerable(eps);
        var start = GridStart(cLi, eps);

        var model = ObjectiveFunction.NonlinearModel(Model, Jacobian, x, y);
        var lower = Vector<double>.Build.DenseOfArray([1e-12, 1e-4, 0.0]);
        var upper = Vector<double>.Build.DenseOfArray([10.0, 5.0, 1.0]);
        var result = new LevenbergMarquardtMinimizer(maximumIterations: 1000)
            .FindMinimum(model, Vector<double>.Build.DenseOfArray(start), lower, upper);
        var p = result.MinimizingPoint;
        var curve = new AnisotropicStrainCurve(p[0], p[1], p[2]);

        double sse = 0;
        for (int i = 0; i < cLi.Count; i++)
        {
            double r = eps[i] - curve.Evaluate(cLi[i]);
            sse += r * r;
        }
        var se = result.StandardErrors;
        return new StrainFit(curve,
            se is null ? double.NaN : se[0], se is null ? double.NaN : se[1], se is null ? double.NaN : se[2],
            Math.Sqrt(sse / cLi.Count), cLi.Count, cLi.Count(c => c < curve.CCrit));
    }

    private static Vector<double> Model(Vector<double> p, Vector<double> x)
    {
        var curve = new AnisotropicStrainCurve(p[0], p[1], p[2]);
        return x.Map(curve.Evaluate);
    }

    private static Matrix<double> Jacobian(Vector<double> p, Vector<double> x)
    {
        double e0 = p[0], lambda = p[1], cc = p[2];
        var j = Matrix<double>.Build.Dense(x.Count, 3);
        for (int i = 0; i < x.Count; i++)
        {
            if (x[i] >= cc)
            {
                j[i, 0] = 1;
                continue;
            }
            double u = (cc - x[i]) / lambda;
            double g = Math.Exp(u);
            j[i, 0] = g;
            j[i, 1] = -e0 * g * u / lambda;
            j[i, 2] = e0 * g / lambda;
        }
        return j;
    }

    private static double[] GridStart(IReadOnlyList<double> cLi, IReadOnlyList<double> eps)
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
                    double g = cLi[i] >= cc ? 1 : Math.Exp((cc - cLi[i]) / lambda);
                    sgy += g * eps[i];
                    sgg += g * g;
                }
                double e0 = Math.Max(sgy / sgg, 1e-12);
                double sse = 0;
                for (int i = 0; i < cLi.Count; i++)
                {
                    double g = cLi[i] >= cc ? 1 : Math.Exp((cc - cLi[i]) / lambda);
                    double r = eps[i] - e0 * g;
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
}
