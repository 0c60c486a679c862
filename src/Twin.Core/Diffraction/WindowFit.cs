using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Twin.Core.Diffraction;

/// <summary>The fitted peaks of one window.</summary>
/// <param name="Converged">False when the minimiser stopped without converging or the covariance is singular.</param>
/// <param name="Detail">Why it did not converge; empty otherwise.</param>
/// <param name="Centres">Fitted centres (radial unit).</param>
/// <param name="CentreSigmas">Standard uncertainties of the centres (covariance scaled by the reduced χ²).</param>
/// <param name="Heights">Fitted heights (intensity unit).</param>
/// <param name="Fwhm">Shared full width at half maximum (radial unit).</param>
/// <param name="Eta">Shared Lorentzian fraction.</param>
/// <param name="ReducedChiSquare">Weighted χ²/(n − p).</param>
/// <param name="Points">Points fitted.</param>
internal sealed record WindowFitResult(
    bool Converged, string Detail, double[] Centres, double[] CentreSigmas, double[] Heights,
    double Fwhm, double Eta, double ReducedChiSquare, int Points);

/// <summary>
/// Weighted least-squares fit of K pseudo-Voigt peaks with a shared width and Lorentzian fraction on a linear
/// background, by MathNet.Numerics' Levenberg–Marquardt minimiser with the analytic Jacobian.
/// </summary>
/// <remarks>
/// The window is fitted in reduced units (position over the first width, intensity over the first height) so that
/// every parameter is of order one; the width is fitted as its logarithm and η through a logistic function, which
/// keeps both in range without the minimiser's own bound mapping. Weights are 1/σ² when the pattern carries σ,
/// otherwise 1/I of the five-point smoothed intensity (counting statistics, var ∝ I, for any linear intensity scale).
/// The covariance is (JᵀWJ)⁻¹ at the minimum in the physical parameters, scaled by the reduced χ² (so a σ column
/// that is off by a constant factor, or none at all, still gives the scatter-consistent uncertainty).
/// </remarks>
internal static class WindowFit
{
    private const int MaxIterations = 200;

    /// <summary>Fits points <paramref name="i0"/>..<paramref name="i1"/> (inclusive).</summary>
    public static WindowFitResult Fit(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> sigma,
        int i0, int i1, ReadOnlySpan<double> startCentres, ReadOnlySpan<double> startHeights, double startFwhm, double background)
    {
        int n = i1 - i0 + 1, k = startCentres.Length, p = 2 * k + 4;
        double xm = (x[i0] + x[i1]) / 2, s = startFwhm;
        double hs = 0;
        foreach (double h in startHeights) hs = Math.Max(hs, h);
        var u = new double[n];
        var v = new double[n];
        var w = new double[n];
        double floor = 0.01 * hs;
        for (int i = 0; i < n; i++)
        {
            u[i] = (x[i0 + i] - xm) / s;
            v[i] = y[i0 + i] / hs;
            double variance = sigma.IsEmpty ? Math.Max(PeakSearch.Smoothed(y, i0 + i), floor) : sigma[i0 + i] * sigma[i0 + i];
            w[i] = hs * hs / variance;
        }

        var start = new double[p];
        for (int j = 0; j < k; j++)
        {
            start[j] = (startCentres[j] - xm) / s;
            start[k + j] = Math.Max(startHeights[j], 0.05 * hs) / hs;
        }
        start[2 * k] = 0;         // ln(width / first width)
        start[2 * k + 1] = 0;     // logit η = 0 → η = ½
        start[2 * k + 2] = background / hs;
        start[2 * k + 3] = 0;

        // Whitened residuals √w·(v − f): the minimiser sees an unweighted problem (its own weighting goes through an
        // n × n matrix, which costs O(n²) per iteration).
        var root = new double[n];
        var target = new double[n];
        for (int i = 0; i < n; i++)
        {
            root[i] = Math.Sqrt(w[i]);
            target[i] = root[i] * v[i];
        }
        var model = new ReducedModel(k, root);
        var objective = ObjectiveFunction.NonlinearModel(model.Values, model.Jacobian,
            Vector<double>.Build.Dense(u), Vector<double>.Build.Dense(target));
        NonlinearMinimizationResult result;
        try
        {
            result = new LevenbergMarquardtMinimizer(maximumIterations: MaxIterations)
                .FindMinimum(objective, Vector<double>.Build.Dense(start));
        }
        catch (Exception e) when (e is MaximumIterationsException or ArgumentException or InvalidOperationException)
        {
            return Failed($"the minimiser stopped: {e.Message}", n);
        }
        if (result.ReasonForExit is ExitCondition.ExceedIterations or ExitCondition.InvalidValues or ExitCondition.ManuallyStopped)
            return Failed($"no convergence in {MaxIterations} Levenberg–Marquardt iterations ({result.ReasonForExit})", n);

        var q = result.MinimizingPoint;
        for (int j = 0; j < p; j++)
            if (!double.IsFinite(q[j])) return Failed("the fit ran to non-finite parameters", n);
        double width = Math.Exp(q[2 * k]);
        double eta = 1 / (1 + Math.Exp(-q[2 * k + 1]));

        // Physical parameters: centres, heights, width, η, b0, b1 (η dropped when it sits on a bound of [0, 1]).
        bool etaFree = eta is > 1e-4 and < 1 - 1e-4;
        int m = etaFree ? p : p - 1;
        var jtj = Matrix<double>.Build.Dense(m, m);
        var row = new double[m];
        double chi2 = 0;
        for (int i = 0; i < n; i++)
        {
            double f = q[2 * k + 2] + q[2 * k + 3] * u[i];
            double dw = 0, de = 0;
            for (int j = 0; j < k; j++)
            {
                double pv = PseudoVoigt.Evaluate(u[i], q[j], width, eta, out double dx0, out double dfw, out double deta);
                f += q[k + j] * pv;
                row[j] = q[k + j] * dx0;
                row[k + j] = pv;
                dw += q[k + j] * dfw;
                de += q[k + j] * deta;
            }
            int c = 2 * k;
            row[c++] = dw;
            if (etaFree) row[c++] = de;
            row[c++] = 1;
            row[c] = u[i];
            double r = v[i] - f;
            chi2 += w[i] * r * r;
            for (int a = 0; a < m; a++)
            {
                double wa = w[i] * row[a];
                for (int b = 0; b <= a; b++) jtj[a, b] += wa * row[b];
            }
        }
        for (int a = 0; a < m; a++)
            for (int b = 0; b < a; b++) jtj[b, a] = jtj[a, b];

        int dof = n - m;
        if (dof < 1) return Failed($"{n} points for {m} parameters", n);
        double reduced = chi2 / dof;
        Matrix<double> covariance;
        try
        {
            covariance = jtj.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(m)) * reduced;
        }
        catch (ArgumentException)
        {
            return Failed("the covariance matrix is singular (a parameter is not determined by the data)", n);
        }

        var centres = new double[k];
        var centreSigmas = new double[k];
        var heights = new double[k];
        for (int j = 0; j < k; j++)
        {
            double var = covariance[j, j];
            if (!(var > 0) || !double.IsFinite(var)) return Failed("the covariance of a centre is not positive", n);
            centres[j] = xm + q[j] * s;
            centreSigmas[j] = Math.Sqrt(var) * s;
            heights[j] = q[k + j] * hs;
        }
        return new WindowFitResult(true, "", centres, centreSigmas, heights, width * s, eta, reduced, n);
    }

    private static WindowFitResult Failed(string detail, int n) =>
        new(false, detail, [], [], [], double.NaN, double.NaN, double.NaN, n);

    /// <summary>The whitened model in reduced units with the log-width and logit-η parametrisation the minimiser sees.</summary>
    private sealed class ReducedModel(int k, double[] root)
    {
        public Vector<double> Values(Vector<double> q, Vector<double> u)
        {
            double width = Math.Exp(q[2 * k]), eta = 1 / (1 + Math.Exp(-q[2 * k + 1]));
            var f = Vector<double>.Build.Dense(u.Count);
            for (int i = 0; i < u.Count; i++)
            {
                double sum = q[2 * k + 2] + q[2 * k + 3] * u[i];
                for (int j = 0; j < k; j++) sum += q[k + j] * PseudoVoigt.Evaluate(u[i], q[j], width, eta);
                f[i] = root[i] * sum;
            }
            return f;
        }

        public Matrix<double> Jacobian(Vector<double> q, Vector<double> u)
        {
            double width = Math.Exp(q[2 * k]), eta = 1 / (1 + Math.Exp(-q[2 * k + 1]));
            var jac = Matrix<double>.Build.Dense(u.Count, 2 * k + 4);
            for (int i = 0; i < u.Count; i++)
            {
                double dw = 0, de = 0;
                for (int j = 0; j < k; j++)
                {
                    double pv = PseudoVoigt.Evaluate(u[i], q[j], width, eta, out double dx0, out double dfw, out double deta);
                    jac[i, j] = root[i] * q[k + j] * dx0;
                    jac[i, k + j] = root[i] * pv;
                    dw += q[k + j] * dfw;
                    de += q[k + j] * deta;
                }
                jac[i, 2 * k] = root[i] * dw * width;                // ∂/∂ln w
                jac[i, 2 * k + 1] = root[i] * de * eta * (1 - eta);  // ∂/∂logit η
                jac[i, 2 * k + 2] = root[i];
                jac[i, 2 * k + 3] = root[i] * u[i];
            }
            return jac;
        }
    }
}
