using Twin.Drivers.Triggers;
using static Twin.Drivers.Tests.Triggers.PatternFileSamples;

namespace Twin.Drivers.Tests.Triggers;

public sealed class IntegratedPatternFileTests
{
    private static IntegratedPattern Parse(string text, string origin = "x.xy") => IntegratedPatternFile.Parse(new StringReader(text), origin);

    [Fact]
    public void ReadsAPyFaiHeaderAndThreeColumns()
    {
        var p = Parse(PyFaiHeader() + Rows(300));
        Assert.Equal(0.20664, p.Header.WavelengthA!.Value, 9); // metres → Å
        Assert.Equal(0.25, p.Header.DistanceM);
        Assert.Equal("Pilatus CdTe 2M", p.Header.Detector);
        Assert.Equal("2th_deg", p.Header.RadialUnit);
        Assert.True(p.Header.RadialUnitDeclared);
        Assert.Null(p.Header.ExposureS);
        Assert.Equal(300, p.TwoThetaDeg.Count);
        Assert.Equal(300, p.Sigma!.Count);
        Assert.Equal(1.5, p.TwoThetaMinDeg, 9);
        Assert.Equal(1.5 + 299 * 0.01, p.TwoThetaMaxDeg, 9);
    }

    [Fact]
    public void ReadsTheOperandoKeysAndTwoColumns()
    {
        var p = Parse(Operando() + "# energy_keV: 60\n# 2theta I\n" + Rows(10, sigma: false));
        Assert.Equal("P0007", p.Header.PatternId);
        Assert.Equal("sim-detector", p.Header.Detector);
        Assert.Equal(10, p.Header.ExposureS);
        Assert.Equal(1_700_000_000_000_000_000, p.Header.StartUnixNs);
        Assert.Equal(1_700_000_010_000_000_000, p.Header.EndUnixNs);
        Assert.Equal("0.62", p.Header.Keys["c_li_mid"]); // kept as header text only: a file does not give c_Li
        Assert.Equal(60, p.Header.EnergyKeV);
        Assert.Equal(12.398419843320026 / 60, p.Header.WavelengthA!.Value, 12);
        Assert.Null(p.Sigma);
    }

    [Fact]
    public void PlainXyWithoutHeaderIsTakenAsDegrees()
    {
        var p = Parse("10.0 5\n10.5, 6\n11.0\t7\n");
        Assert.False(p.Header.RadialUnitDeclared);
        Assert.Equal([10.0, 10.5, 11.0], p.TwoThetaDeg);
        Assert.Equal([5.0, 6, 7], p.Intensity);
    }

    [Fact]
    public void RadiansAreConvertedToDegrees()
    {
        var p = Parse("# 2th_rad I\n0.1 1\n0.2 2\n");
        Assert.Equal(0.1 * 180 / Math.PI, p.TwoThetaDeg[0], 12);
    }

    [Theory]
    [InlineData("# 2th_deg I\n1.0 5\n1.1 abc\n", 3, "expected intensity as a finite number, found 'abc'")]
    [InlineData("1.0 5 1\n1.1 6\n", 2, "expected 3 columns like the first data row, found 2")]
    [InlineData("1.0\n", 1, "expected 2 or 3 numeric columns")]
    [InlineData("1.0 5\n1.2 6\n1.1 7\n", 3, "expected 2θ to increase")]
    [InlineData("#  q_nm^-1  I\n1.0 5\n1.1 6\n", 1, "expected the radial unit 2th_deg")]
    [InlineData("# exposure_s: ten\n1.0 5\n1.1 6\n", 1, "expected exposure_s: a positive exposure in seconds, found 'ten'")]
    [InlineData("# start_unix_ns: 1.5e18\n1.0 5\n1.1 6\n", 1, "expected start_unix_ns: a non-negative integer")]
    [InlineData("# a\n# Wavelength: 1.5406e-10 cm\n1.0 5\n1.1 6\n", 2, "expected Wavelength: a wavelength in metres")]
    [InlineData("# wavelength_A: 1540.6\n1.0 5\n1.1 6\n", 1, "expected a wavelength between 0.01 and 10 Å")]
    [InlineData("# only a header\n1.0 5\n", 2, "expected at least 2 data rows")]
    public void ErrorsNameFileLineAndExpectation(string text, int line, string expected)
    {
        var e = Assert.Throws<PatternFileFormatException>(() => Parse(text, "/data/p.xy"));
        Assert.Equal("/data/p.xy", e.Path);
        Assert.Equal(line, e.LineNumber);
        Assert.StartsWith($"/data/p.xy:{line}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ReadsFromDisk()
    {
        using var dir = new TempFolder();
        string path = dir.File("a.dat");
        File.WriteAllText(path, PyFaiHeader() + Operando() + Rows(50));
        var p = IntegratedPatternFile.Read(path);
        Assert.Equal(path, p.Path);
        Assert.Equal(50, p.Intensity.Count);
        Assert.Equal("sim-detector", p.Header.Detector); // the operando key wins over the pyFAI detector line
    }
}
