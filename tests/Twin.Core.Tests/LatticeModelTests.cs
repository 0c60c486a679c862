using Twin.Core.Lattice;
using Twin.Core.Materials;

namespace Twin.Core.Tests;

public class LatticeModelTests
{
    public static TheoryData<string, double, double> Table1 => new()
    {
        { "NMC622", 2.8703, 14.2255 },
        { "NMC811", 2.8727, 14.2127 },
        { "LNO", 2.8747, 14.1775 },
    };

    private static LatticeModel Model(string name) => new(MaterialCatalog.Default.Get(name));

    [Theory]
    [MemberData(nameof(Table1))]
    public void Pristine_lattice_matches_table_1(string name, double a, double c)
    {
        var s = Model(name).Evaluate(1.0);
        Assert.InRange(s.AA, a - 0.0005, a + 0.0005);
        Assert.InRange(s.CA, c - 0.0005, c + 0.0005);
        Assert.Equal(0, s.RelativeVolume, 6);
    }

    [Theory]
    [InlineData("NMC622")]
    [InlineData("NMC811")]
    [InlineData("LNO")]
    public void C_peaks_at_0_40(string name)
    {
        var m = Model(name);
        var (x, _) = ArgMax(m.C, m.MinCLi, m.MaxCLi);
        Assert.InRange(x, 0.39, 0.41);
    }

    [Theory]
    [InlineData("NMC622")]
    [InlineData("NMC811")]
    [InlineData("LNO")]
    public void A_has_a_plateau_from_0_32_down(string name)
    {
        var m = Model(name);
        double plateau = m.A(0.32);
        for (double x = m.MinCLi; x <= 0.32; x += 0.001)
        {
            Assert.Equal(plateau, m.A(x), 9);
            Assert.Equal(0, m.DaDcLi(x), 9);
        }
        Assert.True(m.A(0.40) > plateau + 1e-4, "a must still change above the plateau");
    }

    [Theory]
    [InlineData("NMC622")]
    [InlineData("NMC811")]
    [InlineData("LNO")]
    public void Steepest_a_is_near_0_62(string name)
    {
        var m = Model(name);
        var (x, _) = ArgMax(c => Math.Abs(m.DaDcLi(c)), m.MinCLi, m.MaxCLi);
        Assert.InRange(x, 0.59, 0.65);
    }

    [Fact]
    public void Nmc811_c_maximum_matches_kondrakov()
    {
        var m = Model("NMC811");
        var (_, cmax) = ArgMax(m.C, m.MinCLi, m.MaxCLi);
        Assert.InRange(cmax, 14.457, 14.477);
        Assert.InRange(m.C(0.20), 14.02, 14.04);
    }

    [Fact]
    public void Nmc811_volume_change_to_the_plateau_is_about_5_percent()
    {
        var s = Model("NMC811").Evaluate(0.20);
        Assert.InRange(s.RelativeVolume, -0.056, -0.046);
    }

    [Fact]
    public void A_decreases_monotonically_with_delithiation()
    {
        var m = Model("NMC811");
        for (double x = 0.2; x < 1.0; x += 0.005) Assert.True(m.A(x + 0.005) >= m.A(x) - 1e-12);
    }

    [Fact]
    public void Derived_distances_and_bragg_angle()
    {
        var m = Model("NMC811");
        var s = m.Evaluate(1.0);
        Assert.Equal(s.CA / 3, s.DIlA, 12);
        Assert.Equal(s.AA, s.DTmA, 12);
        Assert.Equal(Math.Sqrt(3) / 2 * s.AA * s.AA * s.CA, s.VolumeA3, 9);
        // Cu Kα1: d003 = 4.7376 Å gives 2θ ≈ 18.71°, where NMC's (003) is observed.
        Assert.InRange(m.TwoTheta003Deg(1.0, 1.5406), 18.69, 18.73);
        // c grows towards 0.40, so (003) moves to lower angle.
        Assert.True(m.TwoTheta003Deg(0.40, 1.5406) < m.TwoTheta003Deg(1.0, 1.5406));
        Assert.Equal(0.7293, XRay.WavelengthFromEnergy(17.0), 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.TwoTheta003Deg(0.5, 0));
    }

    [Fact]
    public void Outside_the_knot_range_values_are_held_and_flagged()
    {
        var m = Model("NMC811");
        var s = m.Evaluate(0.05);
        Assert.True(s.Extrapolated);
        Assert.Equal(m.C(m.MinCLi), s.CA);
        Assert.False(m.Evaluate(0.5).Extrapolated);
    }

    private static (double X, double Y) ArgMax(Func<double, double> f, double lo, double hi)
    {
        double bx = lo, by = double.NegativeInfinity;
        for (double x = lo; x <= hi; x += 0.0005)
        {
            double y = f(x);
            if (y > by) { by = y; bx = x; }
        }
        return (bx, by);
    }
}
