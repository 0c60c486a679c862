using Twin.Core.Diffraction;
using Twin.Core.Lattice;
using Twin.Core.Materials;
using Xunit.Abstractions;

namespace Twin.Core.Tests.Diffraction;

public sealed class PatternFitterTests(ITestOutputHelper output)
{
    private static readonly LatticeModel Nmc811 = new(MaterialCatalog.Default.Get("NMC811"));

    private static PowderPattern TwoTheta(SyntheticPattern s, Random? noise, bool withSigma = true, bool withWavelength = true)
    {
        var (x, y, sigma) = s.Generate(noise);
        return new PowderPattern("synthetic.xy", RadialAxis.TwoThetaDeg, x, y, withSigma ? sigma : null, withWavelength ? s.WavelengthA : null);
    }

    [Fact]
    public void Noiseless_pattern_gives_back_a_and_c()
    {
        var s = new SyntheticPattern { AA = 2.8312, CA = 14.4321 };
        var r = new PatternFitter(Nmc811).Fit(TwoTheta(s, null));
        output.WriteLine(r.Message);
        Assert.True(r.Succeeded, r.Message);
        var l = r.Lattice!.Value;
        Assert.Equal(2.8312, l.AA, 5);
        Assert.Equal(14.4321, l.CA, 4);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Noisy_patterns_recover_a_and_c_within_their_standard_errors(bool withSigma)
    {
        var rng = new Random(20240710);
        int trials = 200, inA1 = 0, inC1 = 0, inA2 = 0, inC2 = 0;
        double chi = 0;
        for (int t = 0; t < trials; t++)
        {
            double cLi = 0.25 + 0.7 * rng.NextDouble();
            var s = new SyntheticPattern
            {
                AA = Nmc811.A(cLi) + 0.002 * (rng.NextDouble() - 0.5),
                CA = Nmc811.C(cLi) + 0.01 * (rng.NextDouble() - 0.5),
                FwhmDeg = 0.02 + 0.03 * rng.NextDouble(),
                Eta = rng.NextDouble(),
                PeakCounts = 300 + 5000 * rng.NextDouble(),
            };
            var r = new PatternFitter(Nmc811).Fit(TwoTheta(s, rng, withSigma));
            Assert.True(r.Succeeded, r.Message);
            var l = r.Lattice!.Value;
            chi += r.Reflections.Where(f => f.Succeeded).Average(f => f.ReducedChiSquare) / trials;
            double za = Math.Abs(l.AA - s.AA) / l.ASigmaA, zc = Math.Abs(l.CA - s.CA) / l.CSigmaA;
            if (za <= 1) inA1++;
            if (zc <= 1) inC1++;
            if (za <= 2) inA2++;
            if (zc <= 2) inC2++;
        }
        output.WriteLine($"mean reduced χ² {chi:0.###}");
        output.WriteLine($"within 1σ: a {inA1}/{trials}, c {inC1}/{trials}; within 2σ: a {inA2}/{trials}, c {inC2}/{trials}");
        Assert.True(inA2 >= 0.9 * trials, $"a within 2σ in {inA2} of {trials}");
        Assert.True(inC2 >= 0.9 * trials, $"c within 2σ in {inC2} of {trials}");
        // σ is not inflated either: about 68 % within 1σ.
        Assert.InRange(inA1, 0.55 * trials, 0.82 * trials);
        Assert.InRange(inC1, 0.55 * trials, 0.82 * trials);
    }

    private static SyntheticPattern Laboratory(double cLi) => new()
    {
        AA = Nmc811.A(cLi),
        CA = Nmc811.C(cLi),
        WavelengthA = 1.5406,
        LowDeg = 15,
        HighDeg = 70,
        Points = 5000,
        FwhmDeg = 0.08,
        Background = 200,
        BackgroundSlope = -1,
        PeakCounts = 4000,
        Peaks = SyntheticPattern.LayeredWithDoublet,
    };

    [Theory]
    [InlineData(0.95)]
    [InlineData(0.6)]
    [InlineData(0.35)]
    public void The_018_110_doublet_fixes_a_on_its_own(double cLi)
    {
        var s = Laboratory(cLi);
        var options = new PatternFitOptions { Reflections = [HexagonalReflection.R003, HexagonalReflection.R018, HexagonalReflection.R110] };
        var r = new PatternFitter(Nmc811, options).Fit(TwoTheta(s, new Random(7)));
        output.WriteLine(r.Message);
        Assert.True(r.Succeeded, r.Message);
        var l = r.Lattice!.Value;
        Assert.InRange(l.AA, s.AA - 3 * l.ASigmaA, s.AA + 3 * l.ASigmaA);
        Assert.InRange(l.CA, s.CA - 3 * l.CSigmaA, s.CA + 3 * l.CSigmaA);
        Assert.True(l.ASigmaA < 5e-4, $"σ(a) {l.ASigmaA}");
    }

    [Fact]
    public void All_default_reflections_of_a_laboratory_pattern_are_fitted_and_agree()
    {
        var s = Laboratory(0.5);
        var r = new PatternFitter(Nmc811).Fit(TwoTheta(s, new Random(11)));
        output.WriteLine(r.Message);
        Assert.True(r.Succeeded, r.Message);
        Assert.All(r.Reflections, f => Assert.True(f.Succeeded, f.Message));
        var l = r.Lattice!.Value;
        Assert.Equal(4, l.Reflections);
        Assert.InRange(l.ReducedChiSquare, 0, 9);
        Assert.InRange(l.AA, s.AA - 3 * l.ASigmaA, s.AA + 3 * l.ASigmaA);
        Assert.InRange(l.CA, s.CA - 3 * l.CSigmaA, s.CA + 3 * l.CSigmaA);
    }
}
