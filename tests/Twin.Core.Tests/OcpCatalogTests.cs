using System.Text;
using Twin.Core.Materials;
using Twin.Core.Ocv;
using Twin.Core.RestVoltage;

namespace Twin.Core.Tests;

public class OcpCatalogTests
{
    private static readonly OcpCurve Nmc811 = OcpCatalog.Default.CathodeFor(MaterialCatalog.Default.Get("NMC811"))!;
    private static readonly OcpCurve Graphite = OcpCatalog.Default.GraphiteAnode()!;

    /// <summary>Chen et al. 2020's closed-form fit of the NMC811 positive-electrode OCP (the paper's equation; the
    /// firmware simulator's cell uses it).</summary>
    private static double ChenFit(double y) =>
        -0.8090 * y + 4.4875 - 0.0428 * Math.Tanh(18.5138 * (y - 0.5542))
        - 17.7326 * Math.Tanh(15.7890 * (y - 0.3117)) + 17.5842 * Math.Tanh(15.9308 * (y - 0.3120));

    [Fact]
    public void The_default_tables_are_chen_2020_nmc811_and_graphite_with_a_source_for_every_point()
    {
        Assert.Equal(OcpElectrode.Cathode, Nmc811.Electrode);
        Assert.Equal(OcpScale.NormalisedStoichiometry, Nmc811.Scale);
        Assert.Contains("63104", Nmc811.ScaleNote);
        Assert.Equal(236, Nmc811.Points.Count);
        Assert.Equal(236, Graphite.Points.Count);
        Assert.All(Nmc811.Points, p => Assert.Contains("J. Electrochem. Soc. 167 (2020) 080534", p.Source));
        Assert.All(Graphite.Points, p => Assert.Contains("graphite-SiOx", p.Source));
        Assert.Equal((0.25675, 0.90472), (Nmc811.MinX, Nmc811.MaxX));
        Assert.Contains("LOESS", Nmc811.SmoothingSource);
        Assert.Contains("Dahn, Phys. Rev. B 44 (1991) 9170", Graphite.Plateau!.Source);
    }

    [Fact]
    public void NMC622_and_LNO_have_no_table()
    {
        Assert.Null(OcpCatalog.Default.CathodeFor(MaterialCatalog.Default.Get("NMC622")));
        Assert.Null(OcpCatalog.Default.CathodeFor(MaterialCatalog.Default.Get("LNO")));
        Assert.Same(Nmc811, OcpCatalog.Default.CathodeFor(MaterialCatalog.Default.Get("NCM811")));
    }

    [Fact]
    public void The_smoothed_cathode_curve_falls_strictly_and_follows_its_points_within_their_scatter()
    {
        var kx = Nmc811.KnotX;
        var ku = Nmc811.KnotPotentialV;
        for (int i = 1; i < kx.Length; i++) Assert.True(ku[i] < ku[i - 1], $"knot {kx[i]}");
        double worst = 0;
        foreach (var p in Nmc811.Points)
        {
            double r = Math.Abs(p.PotentialV - Nmc811.PotentialV(p.X));
            worst = Math.Max(worst, r / Math.Max(Nmc811.SigmaV(p.X), 1e-4));
            Assert.InRange(Nmc811.SigmaV(p.X), 1e-4, 2e-3);
        }
        Assert.True(worst < 4, $"largest residual {worst:0.0} σ");
        Assert.True(double.IsNaN(Nmc811.PotentialV(0.25)), "no extrapolation below the measured range");
        Assert.True(double.IsNaN(Nmc811.PotentialV(0.95)), "no extrapolation above the measured range");
    }

    [Theory]
    [InlineData(0.265, 0.025)]
    [InlineData(0.27, 0.030)]
    public void It_is_not_the_papers_closed_form_fit_which_lies_tens_of_millivolts_higher_at_the_top_of_charge(double y, double atLeastV)
    {
        Assert.True(ChenFit(y) - Nmc811.PotentialV(y) > atLeastV, $"fit {ChenFit(y):0.0000} V, points {Nmc811.PotentialV(y):0.0000} V at y = {y}");
        Assert.InRange(ChenFit(0.6) - Nmc811.PotentialV(0.6), -0.01, 0.01); // they agree in mid range
    }

    [Fact]
    public void The_graphite_plateau_is_flat_to_a_few_millivolts()
    {
        var p = Graphite.Plateau!;
        Assert.Equal((0.66, 0.9014), (p.XMin, p.XMax));
        Assert.InRange(p.PotentialV, 0.089, 0.092);
        Assert.InRange(p.HalfWidthV, 0.004, 0.007);
        Assert.InRange(p.SigmaV, p.HalfWidthV / Math.Sqrt(3), 0.005);
        for (double x = p.XMin; x <= p.XMax; x += 0.01)
            Assert.InRange(Graphite.PotentialV(x), p.PotentialV - p.HalfWidthV - 1e-9, p.PotentialV + p.HalfWidthV + 1e-9);
        Assert.True(Graphite.PotentialV(0.55) - p.PotentialV > 0.03, "stage 2 lies above the plateau");
    }

    [Fact]
    public void The_default_full_cell_plateau_voltage_follows_from_chen_2020_s_lg_m50_balance()
    {
        // Chen 2020 stoichiometry limits: anode 0.0279 → 0.9014, cathode 0.9084 → 0.2661 from 0 to 100 % SOC.
        double soc = (Graphite.Plateau!.XMin - 0.0279) / (0.9014 - 0.0279);
        double y = 0.9084 - soc * (0.9084 - 0.2661);
        double v = Nmc811.PotentialV(y) - Graphite.PotentialV(Graphite.Plateau.XMin);
        Assert.Equal(RestVoltageOptions.Default.GraphitePlateauMinCellVoltageV, v, 0.005);
    }

    [Fact]
    public void Inverting_an_anode_table_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => Graphite.TryInvert(0.1, out _));
    }

    /// <summary>Points every 0.05 from 0.1 to 0.6, falling by 1 V per unit lithium content unless changed.</summary>
    private static string Points(Func<double, double>? u = null, int sourceXAt = -1, int duplicateAt = -1)
    {
        u ??= x => 4.3 - (x - 0.1);
        var items = new List<string>();
        for (int i = 0; i <= 10; i++)
        {
            double x = Math.Round(0.1 + 0.05 * (i == duplicateAt ? i - 1 : i), 4);
            items.Add(FormattableString.Invariant($"{{\"x\":{x},\"u_V\":{u(x)},\"source\":\"{(i == sourceXAt ? "X" : "S")}\"}}"));
        }
        return "[" + string.Join(",", items) + "]";
    }

    private static string File(string electrode = "cathode", string? points = null, string scale = "lithium_per_formula_unit", string extra = "") =>
        $$"""
        { "sources": { "S": "a source" },
          "tables": [ { "name": "T", "electrode": "{{electrode}}", "material": "NMC811", "scale": "{{scale}}", "scale_note": "per f.u.",
                        "smoothing": { "bandwidth": 0.21, "knot_step": 0.05, "source": "S" }, {{extra}}
                        "points": {{points ?? Points()}} } ] }
        """;

    [Fact]
    public void A_lab_file_parses()
    {
        var t = Assert.Single(OcpCatalog.Parse(Encoding.UTF8.GetBytes(File()), "lab.json").Tables);
        Assert.Equal(OcpScale.LithiumPerFormulaUnit, t.Scale);
        Assert.True(t.TryInvert(4.05, out double x));
        Assert.Equal(0.35, x, 1e-9);
        Assert.False(t.TryInvert(4.4, out x));
        Assert.True(double.IsNaN(x));
    }

    [Theory]
    [InlineData("electrode", "lab.json: table 'T': \"electrode\" 'cathodes' must be \"cathode\" or \"anode\"")]
    [InlineData("scale", "\"scale\" 'per_gram' must be")]
    [InlineData("source", "lab.json: table 'T' point 2 refers to source 'X', which is not defined")]
    [InlineData("order", "lab.json: table 'T' point 3: lithium content 0.15 does not follow 0.15")]
    [InlineData("rising", "the smoothed potential does not fall between lithium content")]
    [InlineData("json", "lab.json: not a valid open-circuit-potential file")]
    [InlineData("plateau", "only an anode table has a plateau")]
    public void Bad_files_are_refused_with_the_file_the_table_and_the_problem(string what, string expected)
    {
        string json = what switch
        {
            "electrode" => File(electrode: "cathodes"),
            "scale" => File(scale: "per_gram"),
            "source" => File(points: Points(sourceXAt: 1)),
            "order" => File(points: Points(duplicateAt: 2)),
            "rising" => File(points: Points(x => x < 0.3 ? 4.3 - (x - 0.1) : 4.1 + (x - 0.3))),
            "json" => "{ \"tables\": [",
            _ => File(extra: "\"plateau\": { \"x_min\": 0.2, \"x_max\": 0.4, \"source\": \"S\" },"),
        };
        var e = Assert.Throws<FormatException>(() => OcpCatalog.Parse(Encoding.UTF8.GetBytes(json), "lab.json"));
        Assert.Contains(expected, e.Message);
    }
}
