using System.Text;
using Twin.Core.Materials;

namespace Twin.Core.Tests;

public class MaterialCatalogTests
{
    [Theory]
    [InlineData("NMC622", 276.5)]
    [InlineData("NMC811", 275.5)]
    [InlineData("LNO", 274.5)]
    public void Theoretical_capacity_matches_design(string name, double q)
    {
        Assert.Equal(q, MaterialCatalog.Default.Get(name).TheoreticalCapacityMahPerG, 1);
    }

    [Fact]
    public void Aliases_and_case_are_accepted()
    {
        Assert.Equal("NMC811", MaterialCatalog.Default.Get("ncm811").Name);
        Assert.Equal("LNO", MaterialCatalog.Default.Get("LiNiO2").Name);
    }

    [Fact]
    public void Unknown_material_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => MaterialCatalog.Default.Get("LFP"));
        Assert.Contains("LFP", e.Message);
        Assert.Contains("NMC622, NMC811, LNO", e.Message);
    }

    [Fact]
    public void Every_number_has_a_source()
    {
        foreach (var m in MaterialCatalog.Default.Materials)
        {
            Assert.Contains("Table 1", m.LatticeSource);
            Assert.False(string.IsNullOrWhiteSpace(m.MolarMassSource));
            Assert.All(m.Knots, k => { Assert.True(k.ASource.Length > 20); Assert.True(k.CSource.Length > 20); });
        }
    }

    [Fact]
    public void Knots_carry_the_precision_of_their_anchors()
    {
        // a: Table 1's 0.0001 Å; c: 0.001 Å of the assumed collapse magnitudes, Table 1's 0.0001 Å at c_Li = 1.
        static bool Within(double v, int digits) => Math.Abs(v - Math.Round(v, digits)) < 1e-9;
        foreach (var m in MaterialCatalog.Default.Materials)
        {
            foreach (var k in m.Knots)
            {
                Assert.True(Within(k.AA, 4), $"{m.Name} a({k.CLi}) = {k.AA}");
                Assert.True(Within(k.CA, k.CLi == 1.0 ? 4 : 3), $"{m.Name} c({k.CLi}) = {k.CA}");
            }
        }
    }

    [Fact]
    public void Unverified_magnitudes_are_labelled_as_modelling_assumptions()
    {
        var knot = MaterialCatalog.Default.Get("NMC811").Knots.Single(k => k.CLi == 0.40);
        Assert.Equal(14.467, knot.CA);
        Assert.Contains("modelling assumption", knot.CSource);
        Assert.DoesNotContain("Kondrakov", knot.CSource);
    }

    [Fact]
    public void Q_li_from_active_mass()
    {
        // 10 mg of NMC811 at 275.5 mAh/g per unit c_Li = 2.755 mAh.
        Assert.Equal(2.755e-3, MaterialCatalog.Default.Get("NMC811").QLiFromActiveMass(10), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => MaterialCatalog.Default.Get("NMC811").QLiFromActiveMass(-1));
    }

    [Fact]
    public void A_materials_file_with_an_undefined_source_is_rejected()
    {
        const string json = """
        {"sources":{"T":"x"},"materials":[{"name":"X","a_A":2.8,"c_A":14.2,"lattice_source":"T","molar_mass_g_per_mol":97,
         "molar_mass_source":"T","knots":[{"c_li":0.2,"a_A":2.8,"c_A":14,"a_source":"T","c_source":"T"},
         {"c_li":1,"a_A":2.87,"c_A":14.2,"a_source":"T","c_source":"NOPE"}]}]}
        """;
        var e = Assert.Throws<FormatException>(() => MaterialCatalog.Parse(Encoding.UTF8.GetBytes(json), "lab.json"));
        Assert.Contains("lab.json", e.Message);
        Assert.Contains("NOPE", e.Message);
    }

    [Fact]
    public void A_materials_file_with_descending_knots_is_rejected()
    {
        const string json = """
        {"sources":{"T":"x"},"materials":[{"name":"X","a_A":2.8,"c_A":14.2,"lattice_source":"T","molar_mass_g_per_mol":97,
         "molar_mass_source":"T","knots":[{"c_li":1,"a_A":2.8,"c_A":14,"a_source":"T","c_source":"T"},
         {"c_li":0.5,"a_A":2.87,"c_A":14.2,"a_source":"T","c_source":"T"}]}]}
        """;
        var e = Assert.Throws<FormatException>(() => MaterialCatalog.Parse(Encoding.UTF8.GetBytes(json), "lab.json"));
        Assert.Contains("ascending", e.Message);
    }
}
