using Twin.Core.Lattice;
using Twin.Core.Materials;
using Twin.FirmwareSim.Diffraction;

namespace Twin.FirmwareSim.Tests.Diffraction;

public sealed class ReflectionPositionTests
{
    private const double CuKa1 = 1.5406;
    private static readonly DiffractometerSettings CuKa = new() { WavelengthA = CuKa1 };

    /// <summary>Bragg's law written out independently of the code under test: 2θ = 2·asin(λ / 2d), degrees.</summary>
    private static double Bragg(double d, double lambda) => 2 * Math.Asin(lambda / (2 * d)) * 180 / Math.PI;

    /// <summary>Hexagonal d-spacing written out: 1/d² = 4(h² + hk + k²)/(3a²) + l²/c².</summary>
    private static double Hex(int h, int k, int l, double a, double c) => 1 / Math.Sqrt(4.0 * (h * h + h * k + k * k) / (3 * a * a) + (double)(l * l) / (c * c));

    private static SimulatorLattice Truth(string material, LatticeOffset? offset = null) => new(MaterialCatalog.Default.Get(material), offset);

    [Theory]
    [InlineData("NMC622", 2.8703, 14.2255)]
    [InlineData("NMC811", 2.8727, 14.2127)]
    [InlineData("LNO", 2.8747, 14.1775)]
    public void AtFullLithiationThe003SitsWhereTable1PutsIt(string material, double a, double c)
    {
        var peaks = PatternSynthesizer.Peaks(Truth(material, LatticeOffset.None), 1.0, CuKa);
        var p003 = peaks.Single(p => p.Reflection.Label == "003");
        Assert.Equal(c / 3, p003.DSpacingA, 6); // d_IL = c/3 with Table 1's c (Jousseaume et al. 2024)
        Assert.Equal(Bragg(c / 3, CuKa1), p003.TwoThetaDeg, 6);
        Assert.InRange(p003.TwoThetaDeg, 18.6, 18.8); // the familiar (003) of layered oxides with Cu Kα
        Assert.Equal(Hex(1, 0, 1, a, c), peaks.Single(p => p.Reflection.Label == "101").DSpacingA, 6);
        Assert.Equal(Hex(1, 0, 4, a, c), peaks.Single(p => p.Reflection.Label == "104").DSpacingA, 6);

        // the default sample differs from Table 1 by the documented offset
        var sample = PatternSynthesizer.Peaks(Truth(material), 1.0, CuKa);
        Assert.Equal((c + 0.002) / 3, sample.Single(p => p.Reflection.Label == "003").DSpacingA, 9);
        Assert.Equal(Hex(1, 1, 0, a + 0.0002, c + 0.002), sample.Single(p => p.Reflection.Label == "110").DSpacingA, 9);
    }

    [Fact]
    public void TheTenLayeredOxideReflectionsObeyTheR3mCondition()
    {
        var labels = LayeredOxideReflection.Default.Select(r => r.Label).ToArray();
        Assert.Equal(["003", "101", "006", "012", "104", "015", "107", "018", "110", "113"], labels);
        Assert.All(LayeredOxideReflection.Default, r => Assert.Equal(0, ((-r.H + r.K + r.L) % 3 + 3) % 3)); // −h + k + l = 3n
        // in order of falling d for the pristine material; on charge c grows while a shrinks, and (006) passes (101)
        var truth = Truth("NMC811");
        double[] d = LayeredOxideReflection.Default.Select(r => r.DSpacingA(truth.A(1.0), truth.C(1.0))).ToArray();
        Assert.Equal(d.OrderByDescending(v => v), d);
        double D(int index, double x) => LayeredOxideReflection.Default[index].DSpacingA(truth.A(x), truth.C(x));
        Assert.True(D(2, 0.40) > D(1, 0.40), "(006) above (101) in d at c_Li 0.40");
    }

    [Theory]
    [InlineData("NMC622")]
    [InlineData("NMC811")]
    [InlineData("LNO")]
    public void The003MovesToLowerAngleUntil040ThenBackUp(string material)
    {
        var lattice = Truth(material);
        double TwoTheta(double cLi) => PatternSynthesizer.Peaks(lattice, cLi, CuKa)[0].TwoThetaDeg;
        for (double x = 1.0; x > 0.4 + 1e-9; x -= 0.01)
            Assert.True(TwoTheta(x - 0.01) < TwoTheta(x), $"2θ(003) should fall from c_Li {x:F2} to {x - 0.01:F2}");
        for (double x = 0.4; x > 0.2 + 1e-9; x -= 0.01)
            Assert.True(TwoTheta(x - 0.01) > TwoTheta(x), $"2θ(003) should rise from c_Li {x:F2} to {x - 0.01:F2}");
        // the collapse is visible: from 1.0 to 0.40 the shift is a sizeable fraction of a degree with Cu Kα
        Assert.InRange(TwoTheta(1.0) - TwoTheta(0.4), 0.2, 1.0);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.62)]
    [InlineData(0.40)]
    [InlineData(0.25)]
    public void AllReflectionsFollowAAndCOfTheSimulatorsLattice(double cLi)
    {
        var lattice = Truth("NMC811");
        var settings = new DiffractometerSettings();
        double lambda = XRay.WavelengthFromEnergy(60);
        double a = lattice.A(cLi), c = lattice.C(cLi);
        foreach (var p in PatternSynthesizer.Peaks(lattice, cLi, settings))
        {
            var r = p.Reflection;
            double d = Hex(r.H, r.K, r.L, a, c);
            Assert.Equal(d, p.DSpacingA, 9);
            Assert.Equal(Bragg(d, lambda), p.TwoThetaDeg, 9);
            Assert.Equal(lambda, 2 * d * Math.Sin(p.TwoThetaDeg / 2 * Math.PI / 180), 12); // λ = 2 d sin θ
        }
    }

    [Fact]
    public void The104FollowsBothLatticeParameters()
    {
        // (104) mixes a and c: between 1.0 and 0.62 a shrinks strongly while c grows, so (104) moves opposite to (003)
        var lattice = Truth("NMC811");
        var at1 = PatternSynthesizer.Peaks(lattice, 1.0, CuKa);
        var at062 = PatternSynthesizer.Peaks(lattice, 0.62, CuKa);
        Assert.True(at062[0].TwoThetaDeg < at1[0].TwoThetaDeg, "(003) to lower angle");
        Assert.True(at062[1].TwoThetaDeg > at1[1].TwoThetaDeg, "(101) to higher angle as a shrinks");
        Assert.True(lattice.A(0.62) < lattice.A(1.0));
    }

    [Fact]
    public void UnreachableReflectionsAreNaN()
    {
        Assert.All(PatternSynthesizer.Peaks(Truth("LNO"), 1.0, new DiffractometerSettings { WavelengthA = 10.0 }),
            p => Assert.True(double.IsNaN(p.TwoThetaDeg) && double.IsNaN(p.FwhmDeg)));
    }
}
