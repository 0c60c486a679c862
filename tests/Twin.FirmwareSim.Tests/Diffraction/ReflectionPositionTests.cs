using Twin.Core.Lattice;
using Twin.Core.Materials;
using Twin.FirmwareSim.Diffraction;

namespace Twin.FirmwareSim.Tests.Diffraction;

public sealed class ReflectionPositionTests
{
    private const double CuKa1 = 1.5406;

    /// <summary>Bragg's law written out independently of the code under test: 2θ = 2·asin(λ / 2d), degrees.</summary>
    private static double Bragg(double d, double lambda) => 2 * Math.Asin(lambda / (2 * d)) * 180 / Math.PI;

    /// <summary>Hexagonal d-spacing written out: 1/d² = 4(h² + hk + k²)/(3a²) + l²/c².</summary>
    private static double Hex(int h, int k, int l, double a, double c) => 1 / Math.Sqrt(4.0 * (h * h + h * k + k * k) / (3 * a * a) + (double)(l * l) / (c * c));

    [Theory]
    [InlineData("NMC622", 2.8703, 14.2255)]
    [InlineData("NMC811", 2.8727, 14.2127)]
    [InlineData("LNO", 2.8747, 14.1775)]
    public void AtFullLithiationThe003SitsWhereTable1PutsIt(string material, double a, double c)
    {
        var lattice = new LatticeModel(MaterialCatalog.Default.Get(material));
        var peaks = PatternSynthesizer.Peaks(lattice, 1.0, CuKa1);
        var p003 = peaks.Single(p => p.Reflection.Label == "003");
        Assert.Equal(c / 3, p003.DSpacingA, 6); // d_IL = c/3 with Table 1's c (Jousseaume et al. 2024)
        Assert.Equal(Bragg(c / 3, CuKa1), p003.TwoThetaDeg, 6);
        Assert.InRange(p003.TwoThetaDeg, 18.6, 18.8); // the familiar (003) of layered oxides with Cu Kα
        Assert.Equal(Hex(1, 0, 1, a, c), peaks.Single(p => p.Reflection.Label == "101").DSpacingA, 6);
        Assert.Equal(Hex(1, 0, 4, a, c), peaks.Single(p => p.Reflection.Label == "104").DSpacingA, 6);
    }

    [Theory]
    [InlineData("NMC622")]
    [InlineData("NMC811")]
    [InlineData("LNO")]
    public void The003MovesToLowerAngleUntil040ThenBackUp(string material)
    {
        var lattice = new LatticeModel(MaterialCatalog.Default.Get(material));
        double TwoTheta(double cLi) => PatternSynthesizer.Peaks(lattice, cLi, CuKa1)[0].TwoThetaDeg;
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
    public void AllReflectionsFollowAAndCOfTheLatticeModel(double cLi)
    {
        var lattice = new LatticeModel(MaterialCatalog.Default.Get("NMC811"));
        double lambda = XRay.WavelengthFromEnergy(60);
        double a = lattice.A(cLi), c = lattice.C(cLi);
        foreach (var p in PatternSynthesizer.Peaks(lattice, cLi, lambda))
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
        var lattice = new LatticeModel(MaterialCatalog.Default.Get("NMC811"));
        var at1 = PatternSynthesizer.Peaks(lattice, 1.0, CuKa1);
        var at062 = PatternSynthesizer.Peaks(lattice, 0.62, CuKa1);
        Assert.True(at062[0].TwoThetaDeg < at1[0].TwoThetaDeg, "(003) to lower angle");
        Assert.True(at062[1].TwoThetaDeg > at1[1].TwoThetaDeg, "(101) to higher angle as a shrinks");
        Assert.True(lattice.A(0.62) < lattice.A(1.0));
    }

    [Fact]
    public void UnreachableReflectionsAreNaN()
    {
        var lattice = new LatticeModel(MaterialCatalog.Default.Get("LNO"));
        Assert.All(PatternSynthesizer.Peaks(lattice, 1.0, 10.0), p => Assert.True(double.IsNaN(p.TwoThetaDeg)));
    }
}
