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
