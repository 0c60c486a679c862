using Twin.Core.Cells;
using Twin.Service.Config;

namespace Twin.Service.Tests;

public class ExperimentFileTests
{
    [Fact]
    public void Reads_cells_with_defaults_and_overrides()
    {
        const string yaml = """
            site: id31
            cells:
              - id: lg-m50
                material: NMC811
                q_li_Ah: 8.732
                c_li0: 0.80
              - id: coin-2
                site: lab7
                material: ncm622
                active_mass_mg: 12.5
                c_li0: 0.98
                limits: { critical: 0.41, caution: 0.46 }
                cutoff: { c_li_min: 0.43, v_max: 4.3 }
                strain: { eps0: 1.0e-3, lambda: 0.05 }
            """;
        var cells = ExperimentFile.Parse(yaml, "exp.yaml");
        Assert.Equal(2, cells.Count);
        Assert.Equal(("id31", "lg-m50", 8.732), (cells[0].Site, cells[0].Config.CellId, cells[0].Config.QLiAh));
        Assert.Equal(0.40, cells[0].Config.Limits.CriticalCLi);
        var c = cells[1];
        Assert.Equal("lab7", c.Site);
        Assert.Equal("NMC622", c.Config.Material.Name);
        Assert.Equal(12.5e-3 * 276.5e-3, c.Config.QLiAh, 5);
        Assert.Equal((0.41, 0.46, 0.32), (c.Config.Limits.CriticalCLi, c.Config.Limits.CautionCLi, c.Config.Limits.DeepCLi));
        Assert.Equal((0.43, 4.3), (c.Config.Cutoff.CLiMin, c.Config.Cutoff.HardVoltageLimitV));
        Assert.Equal((1e-3, 0.05, 0.40), (c.Config.Strain.Eps0, c.Config.Strain.Lambda, c.Config.Strain.CCrit));
    }

    [Theory]
    [InlineData("li_metal", CounterElectrode.LiMetal)]
    [InlineData("graphite", CounterElectrode.Graphite)]
    [InlineData("reference", CounterElectrode.Reference)]
    [InlineData(null, CounterElectrode.Unspecified)]
    public void Reads_the_counter_electrode(string? value, CounterElectrode expected)
    {
        string yaml = "site: s\ncells:\n  - id: a\n    material: NMC811\n    q_li_Ah: 1\n    c_li0: 0.9" + (value is null ? "" : $"\n    counter_electrode: {value}");
        Assert.Equal(expected, Assert.Single(ExperimentFile.Parse(yaml, "exp.yaml")).Config.CounterElectrode);
    }

    [Theory]
    [InlineData("site: s\ncells: []", "at least one cell")]
    [InlineData("cells:\n  - id: a\n    material: NMC811\n    q_li_Ah: 1\n    c_li0: 0.9", "no site")]
    [InlineData("site: s\ncells:\n  - id: a/b\n    material: NMC811\n    q_li_Ah: 1\n    c_li0: 0.9", "'id' is required and must match")]
    [InlineData("site: s\ncells:\n  - id: a\n    material: LFP\n    q_li_Ah: 1\n    c_li0: 0.9", "cell 1 'a': unknown material 'LFP'")]
    [InlineData("site: s\ncells:\n  - id: a\n    material: NMC811\n    c_li0: 0.9", "exactly one of 'q_li_Ah' and 'active_mass_mg'")]
    [InlineData("site: s\ncells:\n  - id: a\n    material: NMC811\n    q_li_Ah: 1\n    c_li0: 1.9", "c_Li at the start must lie in (0, 1.2]")]
    [InlineData("site: s\ncells:\n  - id: a\n    material: NMC811\n    q_li_Ah: 1\n    c_li0: 0.9\n    limits: { critical: 0.5 }", "caution")]
    [InlineData("site: s\ncells:\n  - id: a\n    material: NMC811\n    q_li_Ah: 1\n    c_li0: 0.9\n  - id: a\n    material: NMC811\n    q_li_Ah: 1\n    c_li0: 0.9", "appears twice")]
    [InlineData("site: s\ncells:\n  - id: a\n    materail: NMC811", "exp.yaml line 4: Property 'materail' not found")]
    [InlineData("site: s\ncells:\n  - id: a\n    material: NMC811\n    q_li_Ah: 1\n    c_li0: 0.9\n    counter_electrode: lithium", "exp.yaml: cell 1 'a': counter_electrode 'lithium' is not known: expected li_metal, graphite or reference")]
    [InlineData("site: s\ncells:\n  - id: a\n    material: NMC811\n    q_li_Ah: 1\n    c_li0: 0.9\n    counter_electrode: Graphite", "counter_electrode 'Graphite' is not known")]
    public void Bad_files_name_the_file_the_cell_and_the_field(string yaml, string expected)
    {
        var e = Assert.Throws<FormatException>(() => ExperimentFile.Parse(yaml, "exp.yaml"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("exp.yaml", e.Message);
    }
}
