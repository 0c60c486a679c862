using Twin.Core.Lattice;
using Twin.Core.Materials;
using Twin.Core.Strain;

namespace Twin.Core.Tests;

public class StrainTests
{
    private static readonly LatticeModel Nmc811 = new(MaterialCatalog.Default.Get("NMC811"));

    [Fact]
    public void Heterogeneity_strain_becomes_strongly_anisotropic_below_0_40()
    {
        double ratioLow = HeterogeneityStrain.EpsC(Nmc811, 0.35, 0.05) / HeterogeneityStrain.EpsA(Nmc811, 0.35, 0.05);
        double ratioHigh = HeterogeneityStrain.EpsC(Nmc811, 0.75, 0.05) / HeterogeneityStrain.EpsA(Nmc811, 0.75, 0.05);
        Assert.True(ratioLow > 10, $"ε^c/ε^a at 0.35 = {ratioLow}");
        Assert.InRange(ratioHigh, 0.2, 3);
    }

    [Fact]
    public void Heterogeneity_strain_follows_equation_1()
    {
        double c = 0.6, d = 0.1;
        double expected = Math.Abs(Nmc811.C(c - d / 2) - Nmc811.C(c + d / 2)) / Nmc811.C(c);
        Assert.Equal(expected, HeterogeneityStrain.EpsC(Nmc811, c, d), 15);
        Assert.Equal(0, HeterogeneityStrain.EpsA(Nmc811, c, 0));
        Assert.True(HeterogeneityStrain.EpsC(Nmc811, 0.3, 0.1) > HeterogeneityStrain.EpsC(Nmc811, 0.3, 0.05));
    }

    [Fact]
    public void Master_curve_is_flat_above_and_exponential_below_c_crit()
    {
        var k = AnisotropicStrainCurve.Default;
        Assert.Equal(k.Eps0, k.Evaluate(0.9));
        Assert.Equal(k.Eps0, k.Evaluate(0.40));
        Assert.Equal(k.Eps0 * Math.E, k.Evaluate(0.40 - k.Lambda), 15);
        Assert.True(k.Evaluate(0.2) > 10 * k.Eps0);
    }

    [Fact]
    public void Calibration_recovers_known_parameters_with_uncertainties()
    {
        var truth = new AnisotropicStrainCurve(8e-4, 0.06, 0.42);
        var rng = new Random(7);
        var c = new List<double>();
        var e = new List<double>();
        for (double x = 0.95; x >= 0.18; x -= 0.02)
        {
            c.Add(x);
            e.Add(truth.Evaluate(x) * (1 + 0.03 * (rng.NextDouble() * 2 - 1)));
        }
        var fit = StrainCalibration.Fit(c, e);
        Assert.InRange(fit.Curve.Eps0, 7.6e-4, 8.4e-4);
        Assert.InRange(fit.Curve.Lambda, 0.055, 0.065);
        Assert.InRange(fit.Curve.CCrit, 0.40, 0.44);
        Assert.True(fit.Eps0StdErr > 0 && fit.LambdaStdErr > 0 && fit.CCritStdErr > 0);
        Assert.True(Math.Abs(fit.Curve.Lambda - truth.Lambda) < 5 * fit.LambdaStdErr + 1e-3);
        Assert.Equal(c.Count, fit.Points);
    }

    [Fact]
    public void Calibration_rejects_tables_it_cannot_fit()
    {
        Assert.Throws<ArgumentException>(() => StrainCalibration.Fit([0.3, 0.5, 0.7], [1e-3, 5e-4, 5e-4]));
        var e = Assert.Throws<ArgumentException>(() => StrainCalibration.Fit([0.5, 0.6, 0.7, 0.8], [1, 1, 1, 1]));
        Assert.Contains("exponential branch", e.Message);
        Assert.Throws<ArgumentException>(() => StrainCalibration.Fit([0.3, 0.5, 0.7, double.NaN], [1, 1, 1, 1]));
    }

    [Fact]
    public void Calibration_refuses_a_flat_table_with_the_reason()
    {
        // Both sides of 0.45 are sampled, but ε never grows: λ and c_crit cannot be determined.
        var e = Assert.Throws<ArgumentException>(() => StrainCalibration.Fit([0.25, 0.35, 0.5, 0.6, 0.7, 0.8], [5e-4, 5e-4, 5e-4, 5e-4, 5e-4, 5e-4]));
        Assert.Contains("flat", e.Message);
    }

    [Fact]
    public void Calibration_refuses_repeated_rows_that_add_no_information()
    {
        // Six rows but only three distinct c_Li: the curve passes through them exactly and the errors would be 0.
        var e = Assert.Throws<ArgumentException>(() =>
            StrainCalibration.Fit([0.3, 0.6, 0.8, 0.3, 0.6, 0.8], [2e-3, 5e-4, 5e-4, 2e-3, 5e-4, 5e-4]));
        Assert.Contains("3 distinct c_Li", e.Message);
    }

    [Fact]
    public void Calibration_refuses_a_table_with_one_point_on_the_exponential_branch()
    {
        // One point below the plateau: any (λ, c_crit) pair through it fits, so the table does not determine them.
        var e = Assert.Throws<ArgumentException>(() =>
            StrainCalibration.Fit([0.30, 0.50, 0.60, 0.70, 0.80], [2e-3, 5e-4, 5.1e-4, 4.9e-4, 5e-4]));
        Assert.Matches("bound|distinct c_Li below|singular|undetermined", e.Message);
    }

    [Fact]
    public void Relative_weighting_determines_the_plateau_from_the_plateau()
    {
        // Multiplicative scatter (10 %), as for a refined strain whose error scales with its size.
        var truth = new AnisotropicStrainCurve(8e-4, 0.06, 0.42);
        var rng = new Random(11);
        var c = new List<double>();
        var e = new List<double>();
        for (double x = 0.95; x >= 0.18; x -= 0.02)
        {
            c.Add(x);
            e.Add(truth.Evaluate(x) * (1 + 0.1 * (rng.NextDouble() * 2 - 1)));
        }
        var abs = StrainCalibration.Fit(c, e);
        var rel = StrainCalibration.Fit(c, e, StrainWeighting.Relative);
        Assert.Equal(StrainWeighting.Relative, rel.Weighting);
        Assert.True(Math.Abs(rel.Curve.Eps0 - truth.Eps0) < 3 * rel.Eps0StdErr, $"ε0 {rel.Curve.Eps0} ± {rel.Eps0StdErr}");
        Assert.True(Math.Abs(rel.Curve.Lambda - truth.Lambda) < 3 * rel.LambdaStdErr, $"λ {rel.Curve.Lambda} ± {rel.LambdaStdErr}");
        // Under absolute weighting the deep points' large absolute scatter swamps the plateau.
        Assert.True(rel.Eps0StdErr < abs.Eps0StdErr / 2, $"ε0 error: relative {rel.Eps0StdErr}, absolute {abs.Eps0StdErr}");
        Assert.InRange(rel.RmsRelativeResidual, 0.03, 0.08);
    }

    [Fact]
    public void Relative_weighting_needs_positive_strain()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            StrainCalibration.Fit([0.25, 0.35, 0.5, 0.6, 0.7], [3e-3, 1e-3, 0, 5e-4, 5e-4], StrainWeighting.Relative));
        Assert.Contains("point 3", e.Message);
        Assert.Contains("ε > 0", e.Message);
    }
}
