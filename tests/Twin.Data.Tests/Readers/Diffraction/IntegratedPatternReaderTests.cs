using System.Globalization;
using Twin.Core.Diffraction;
using Twin.Core.Lattice;
using Twin.Core.Materials;
using Twin.Core.Tests.Diffraction;
using Twin.Data.Readers.Diffraction;
using Xunit.Abstractions;

namespace Twin.Data.Tests.Readers.Diffraction;

public sealed class IntegratedPatternReaderTests(ITestOutputHelper output)
{
    private static readonly LatticeModel Nmc811 = new(MaterialCatalog.Default.Get("NMC811"));
    private static readonly SyntheticPattern Sample = new() { AA = 2.8271, CA = 14.4462, Points = 2000 };

    /// <summary>The header the firmware simulator writes today (pyFAI block plus its operando block).</summary>
    private static List<string> SimulatorHeader(SyntheticPattern s) =>
    [
        "== pyFAI calibration ==",
        "Distance Sample to Detector: 0.5 m",
        "PONI: 0.000e+00, 0.000e+00 m",
        "Rotations: 0.000000 0.000000 0.000000 rad",
        "",
        "Detector sim-detector\t (simulated, Twin.FirmwareSim)",
        string.Create(CultureInfo.InvariantCulture, $"Wavelength: {s.WavelengthA * 1e-10:R} m"),
        "",
        "== operando acquisition (Twin.FirmwareSim) ==",
        "pattern_id: p0001",
        "detector: sim-detector",
        "exposure_s: 10",
        "start_unix_ns: 1700000000000000000",
        "end_unix_ns: 1700000010000000000",
        string.Create(CultureInfo.InvariantCulture, $"wavelength_A: {s.WavelengthA:R}"),
        string.Create(CultureInfo.InvariantCulture, $"energy_keV: {12.398419843320026 / s.WavelengthA:R}"),
        "material: NMC811",
        "",
    ];

    private static IntegratedPatternFile Parse(string text, string name = "p0001.xy") =>
        IntegratedPatternReader.Parse(new StringReader(text), name);

    private PatternFitResult Fit(IntegratedPatternFile file)
    {
        var r = new PatternFitter(Nmc811).Fit(file.Pattern);
        output.WriteLine(r.Message);
        return r;
    }

    [Theory]
    [InlineData("2th_deg")]
    [InlineData("2th_rad")]
    [InlineData("q_A^-1")]
    [InlineData("q_nm^-1")]
    public void Two_theta_and_q_files_give_the_same_lattice(string unit)
    {
        var reference = Fit(Parse(Sample.ToXy(new Random(5), "2th_deg", SimulatorHeader(Sample)))).Lattice!.Value;
        var file = Parse(Sample.ToXy(new Random(5), unit, SimulatorHeader(Sample)));
        Assert.Equal(unit.StartsWith('q') ? RadialAxis.QPerAngstrom : RadialAxis.TwoThetaDeg, file.Pattern.Axis);
        Assert.Empty(file.Notes);
        var l = Fit(file).Lattice!.Value;
        Assert.Equal(reference.AA, l.AA, 0.1 * reference.ASigmaA);
        Assert.Equal(reference.CA, l.CA, 0.1 * reference.CSigmaA);
        Assert.Equal(Sample.AA, l.AA, 3 * l.ASigmaA);
        Assert.Equal(Sample.CA, l.CA, 3 * l.CSigmaA);
    }

    [Fact]
    public void A_q_file_needs_no_wavelength()
    {
        var file = Parse(Sample.ToXy(new Random(5), "q_A^-1", ["pyFAI integration, no geometry"]));
        Assert.Null(file.Pattern.WavelengthA);
        var r = Fit(file);
        Assert.True(r.Succeeded, r.Message);
    }

    [Fact]
    public void Header_lines_with_the_answer_do_not_change_the_result()
    {
        var clean = SimulatorHeader(Sample);
        var lying = new List<string>(clean)
        {
            "c_li_mid: 0.95",
            "a_A: 2.8700",
            "c_A: 14.2200",
            "peaks: 003@2.4000 101@4.9000 104@5.9500",
            "a: 2.80",
            "c: 14.9",
        };
        var honest = new List<string>(clean)
        {
            string.Create(CultureInfo.InvariantCulture, $"c_li_mid: 0.4"),
            string.Create(CultureInfo.InvariantCulture, $"a_A: {Sample.AA:R}"),
            string.Create(CultureInfo.InvariantCulture, $"c_A: {Sample.CA:R}"),
        };
        var r0 = Fit(Parse(Sample.ToXy(new Random(9), "2th_deg", clean))).Lattice!.Value;
        var r1 = Fit(Parse(Sample.ToXy(new Random(9), "2th_deg", lying))).Lattice!.Value;
        var r2 = Fit(Parse(Sample.ToXy(new Random(9), "2th_deg", honest))).Lattice!.Value;
        Assert.Equal(r0, r1);
        Assert.Equal(r0, r2);
    }

    [Fact]
    public void Wavelength_comes_from_the_pyFAI_line_in_metres_or_the_operando_keys()
    {
        static double? Lambda(string header) => Parse($"# {header}\n#2th_deg I\n1 5\n2 6\n").Pattern.WavelengthA;
        Assert.Equal(0.20664, Lambda("Wavelength: 2.0664e-11 m")!.Value, 9);
        Assert.Equal(0.20664, Lambda("Wavelength: 2.0664e-11")!.Value, 9);
        Assert.Equal(1.5406, Lambda("Wavelength: 1.5406 A")!.Value, 9);
        Assert.Equal(0.15406, Lambda("Wavelength: 0.015406 nm")!.Value, 9);
        Assert.Equal(0.7093, Lambda("wavelength_A: 0.7093")!.Value, 9);
        Assert.Equal(12.398419843320026 / 60, Lambda("energy_keV: 60")!.Value, 12);
        Assert.Null(Lambda("Detector pilatus"));
    }

    [Fact]
    public void What_the_reader_assumed_is_noted()
    {
        var file = Parse("1.0 10 0\n1.1 12 3.4\n1.2 11 3.3\n");
        Assert.Equal(RadialAxis.TwoThetaDeg, file.Pattern.Axis);
        Assert.False(file.Pattern.HasSigma);
        Assert.Contains(file.Notes, n => n.Contains("2θ in degrees assumed"));
        Assert.Contains(file.Notes, n => n.Contains("no wavelength"));
        Assert.Contains(file.Notes, n => n.Contains("σ is 0 in 1 rows"));
    }

    [Fact]
    public void A_file_is_read_from_disk_and_its_name_is_the_origin()
    {
        string path = Path.Combine(Path.GetTempPath(), $"twin-xrd-{Guid.NewGuid():N}.xy");
        try
        {
            File.WriteAllText(path, Sample.ToXy(new Random(1), "2th_deg", SimulatorHeader(Sample)));
            var file = IntegratedPatternReader.Read(path);
            Assert.Equal(path, file.Pattern.Origin);
            Assert.Equal(Sample.Points, file.Pattern.Count);
            Assert.True(file.Pattern.HasSigma);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("#2th_deg I\n1 2\n2 x\n", 3, "expected the intensity as a finite number, found 'x'")]
    [InlineData("#2th_deg I\n1 2\n2 3 4 5\n", 3, "expected 2 or 3 numbers")]
    [InlineData("#2th_deg I\n1 2 1\n2 3\n", 3, "expected 3 numbers like the first data row")]
    [InlineData("#2th_deg I\n1 2\n1 3\n", 3, "expected the radial position to increase")]
    [InlineData("#2th_deg I\n1 2\n2 NaN\n", 3, "finite number")]
    [InlineData("#2th_deg I\n1 2 -1\n2 3 1\n", 2, "expected σ ≥ 0")]
    [InlineData("#r_mm I\n1 2\n2 3\n", 1, "radial unit 'r_mm' cannot be fitted")]
    [InlineData("# Wavelength: 1.5406\n1 2\n2 3\n", 1, "has no unit and is too large for metres")]
    [InlineData("# Wavelength: 1.5406 furlongs\n1 2\n2 3\n", 1, "found the unit 'furlongs'")]
    [InlineData("# Wavelength: 1.5406e-10 m\n# energy_keV: 60\n1 2\n2 3\n", 2, "'energy_keV' gives λ = 0.20664 Å but 'Wavelength' on line 1 gives 1.5406 Å")]
    [InlineData("# wavelength_A: 154.06\n1 2\n2 3\n", 1, "expected a wavelength between 0.01 and 10 Å")]
    [InlineData("# energy_keV: -5\n1 2\n2 3\n", 1, "expected energy_keV: a photon energy in keV")]
    [InlineData("#q_A^-1 I\n-1 2\n2 3\n", 2, "expected a positive radial position")]
    [InlineData("# only a header\n1 2\n", 2, "expected at least 2 data rows")]
    public void Bad_input_names_file_line_and_what_was_expected(string text, int line, string expected)
    {
        var e = Assert.Throws<DiffractionFileException>(() => Parse(text, "bad.xy"));
        output.WriteLine(e.Message);
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"bad.xy line {line}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
