using Twin.Core.Estimation;
using Twin.Core.Lattice;
using Twin.Core.Materials;
using Xunit.Abstractions;

namespace Twin.Core.Tests.Lattice;

public sealed class LatticeInversionTests(ITestOutputHelper output)
{
    private static readonly LatticeModel Nmc811 = new(MaterialCatalog.Default.Get("NMC811"));

    private LatticeInversionResult Invert(MeasuredLattice m, LatticeInversionOptions? options = null)
    {
        var r = new LatticeInversion(Nmc811, options).Invert(m);
        output.WriteLine(r.Message);
        return r;
    }

    [Theory]
    [InlineData("NMC622")]
    [InlineData("NMC811")]
    [InlineData("LNO")]
    public void Round_trip_through_the_model_above_the_plateau_and_on_the_low_branch(string material)
    {
        var model = new LatticeModel(MaterialCatalog.Default.Get(material));
        var inversion = new LatticeInversion(model);
        for (double cLi = 0.22; cLi <= 0.98; cLi += 0.02)
        {
            var r = inversion.Invert(new MeasuredLattice(model.A(cLi), 1e-4, model.C(cLi), 5e-4));
            Assert.True(r.IsInvertible, $"c_Li {cLi}: {r.Message}");
            Assert.Equal(cLi, r.CLi, 3);
            Assert.Equal(0.01, r.SigmaModel);
            Assert.True(r.Sigma >= r.SigmaModel && r.Sigma <= 0.05, $"c_Li {cLi}: σ {r.Sigma}");
            Assert.False(r.Extrapolated);
        }
    }

    [Fact]
    public void Sigma_is_the_fit_sigma_through_the_local_slope_plus_the_model()
    {
        const double cLi = 0.7, sa = 2e-4;
        var r = Invert(new MeasuredLattice(Nmc811.A(cLi), sa, null, null));
        Assert.True(r.IsInvertible, r.Message);
        Assert.Equal(sa / Nmc811.DaDcLi(cLi), r.SigmaFit, 6);
        Assert.Equal(Math.Sqrt(r.SigmaFit * r.SigmaFit + 0.01 * 0.01), r.Sigma, 9);
        Assert.Equal(1, r.WeightA);
    }

    [Fact]
    public void Both_parameters_combine_with_their_information()
    {
        const double cLi = 0.8, sa = 2e-4, sc = 1e-3;
        var none = new LatticeInversionOptions { ModelSigmaCLi = 0 };
        var a = Invert(new MeasuredLattice(Nmc811.A(cLi), sa, null, null), none);
        var c = Invert(new MeasuredLattice(null, null, Nmc811.C(cLi), sc), none with { AmbiguityChiSquare = 1e-9 });
        var both = Invert(new MeasuredLattice(Nmc811.A(cLi), sa, Nmc811.C(cLi), sc), none);
        Assert.True(a.IsInvertible && both.IsInvertible, both.Message);
        double expected = 1 / Math.Sqrt(1 / (a.SigmaFit * a.SigmaFit) + Math.Pow(Nmc811.DcDcLi(cLi) / sc, 2));
        Assert.Equal(expected, both.SigmaFit, 6);
        Assert.InRange(both.WeightA, 0.01, 0.99);
        Assert.False(c.IsInvertible); // c alone is two-valued here
    }

    [Fact]
    public void On_the_a_plateau_a_alone_is_not_invertible()
    {
        var r = Invert(new MeasuredLattice(Nmc811.A(0.27), 1e-4, null, null));
        Assert.Equal(NotInvertibleReason.NotInformative, r.Reason);
        Assert.True(double.IsNaN(r.CLi));
        Assert.Contains("plateau", r.Message);
        Assert.Throws<InvalidOperationException>(() => r.ToMeasurement(1));
    }

    [Fact]
    public void On_the_a_plateau_c_on_its_low_branch_gives_c_li()
    {
        var r = Invert(new MeasuredLattice(Nmc811.A(0.27), 1e-4, Nmc811.C(0.27), 5e-4));
        Assert.True(r.IsInvertible, r.Message);
        Assert.Equal(0.27, r.CLi, 3);
        Assert.Equal(0, r.WeightA, 3);
    }

    [Fact]
    public void C_alone_is_ambiguous_across_its_maximum()
    {
        var r = Invert(new MeasuredLattice(null, null, Nmc811.C(0.6), 5e-4));
        Assert.Equal(NotInvertibleReason.Ambiguous, r.Reason);
        Assert.Contains("cannot tell the side of its maximum", r.Message);
    }

    [Fact]
    public void A_and_c_that_disagree_are_inconsistent()
    {
        var r = Invert(new MeasuredLattice(Nmc811.A(0.85), 1e-4, Nmc811.C(0.55), 5e-4));
        Assert.Equal(NotInvertibleReason.Inconsistent, r.Reason);
        Assert.Contains("disagree", r.Message);
    }

    [Theory]
    [InlineData(2.95, null)]
    [InlineData(null, 14.70)]
    [InlineData(2.70, 14.0)]
    public void Values_beyond_the_model_are_outside_it(double? a, double? c)
    {
        var r = Invert(new MeasuredLattice(a, a is null ? null : 1e-4, c, c is null ? null : 5e-4));
        Assert.Equal(NotInvertibleReason.OutsideModel, r.Reason);
    }

    [Fact]
    public void Slightly_beyond_the_pristine_lattice_is_extrapolated_and_flagged()
    {
        double a = Nmc811.A(1) + 0.01 * Nmc811.DaDcLi(1), c = Nmc811.C(1) + 0.01 * Nmc811.DcDcLi(1);
        var r = Invert(new MeasuredLattice(a, 1e-4, c, 5e-4));
        Assert.True(r.IsInvertible, r.Message);
        Assert.Equal(1.01, r.CLi, 3);
        Assert.True(r.Extrapolated);
    }

    [Theory]
    [InlineData(double.NaN, 1e-4)]
    [InlineData(2.83, 0)]
    [InlineData(-2.83, 1e-4)]
    [InlineData(2.83, double.PositiveInfinity)]
    public void Invalid_input_is_refused(double a, double sa)
    {
        var r = Invert(new MeasuredLattice(a, sa, null, null));
        Assert.Equal(NotInvertibleReason.InvalidInput, r.Reason);
        Assert.Equal(NotInvertibleReason.InvalidInput, Invert(default).Reason);
    }

    [Fact]
    public void A_missing_sigma_uses_the_stated_assumption()
    {
        var r = Invert(new MeasuredLattice(Nmc811.A(0.6), null, Nmc811.C(0.6), null));
        Assert.True(r.IsInvertible, r.Message);
        Assert.True(r.SigmaAssumed);
        Assert.Contains("σ assumed", r.Message);
    }

    [Fact]
    public void The_measurement_is_a_diffraction_measurement_at_the_given_time()
    {
        var r = Invert(new MeasuredLattice(Nmc811.A(0.6), 1e-4, Nmc811.C(0.6), 5e-4));
        var m = r.ToMeasurement(1234.5);
        Assert.Equal(LithiumMeasurementKind.Diffraction, m.Kind);
        Assert.Equal(1234.5, m.TimeS);
        Assert.Equal(r.CLi, m.CLi);
        Assert.Equal(r.Sigma, m.Sigma);
        Assert.True(m.IsUsable);
    }

    [Fact]
    public void Noisy_lattices_invert_within_their_sigma()
    {
        var rng = new Random(42);
        var none = new LatticeInversionOptions { ModelSigmaCLi = 0 };
        var inversion = new LatticeInversion(Nmc811, none);
        int n = 0, in2 = 0, in1 = 0;
        for (int t = 0; t < 400; t++)
        {
            double cLi = 0.22 + 0.76 * rng.NextDouble();
            const double sa = 3e-4, sc = 1.5e-3;
            var r = inversion.Invert(new MeasuredLattice(Nmc811.A(cLi) + sa * Gauss(rng), sa, Nmc811.C(cLi) + sc * Gauss(rng), sc));
            if (!r.IsInvertible) continue; // near the c maximum with a flat: refused, never a wrong number
            n++;
            double z = Math.Abs(r.CLi - cLi) / r.Sigma;
            if (z <= 1) in1++;
            if (z <= 2) in2++;
        }
        output.WriteLine($"{n} invertible, {in1} within 1σ, {in2} within 2σ");
        Assert.True(n >= 360, $"only {n} of 400 invertible");
        Assert.True(in2 >= 0.9 * n, $"{in2} of {n} within 2σ");
        Assert.InRange(in1, 0.55 * n, 0.82 * n);
    }

    private static double Gauss(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
