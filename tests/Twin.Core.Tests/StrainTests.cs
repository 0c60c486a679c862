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
}
