using System.Globalization;
using System.Text.RegularExpressions;
using Twin.Core.Lattice;
using Twin.Core.Materials;
using Twin.Drivers.Triggers;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Diffraction;
using Xunit.Abstractions;

namespace Twin.FirmwareSim.Tests.Diffraction;

/// <summary>
/// The simulated pattern files as a fitter sees them: a header with only what a real integrated pattern carries, and
/// reflections where the simulator's own lattice — worked out here from the material's anchors, piecewise linearly,
/// plus the documented offset — puts them at the cell's true c_Li.
/// </summary>
public sealed partial class PatternFileTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")]
    private static partial Regex Number();

    [Fact]
    public async Task The_file_carries_only_what_an_instrument_knows()
    {
        var cell = new EquivalentCircuitCell(CellParameters.CoinCell with { InitialCathodeCLi = 0.6137 });
        using var rig = new DiffractionRig(cell, speed: 1000);
        var e = await rig.Diffractometer.ExposeAsync("p-0001", 30).WaitAsync(Guard);
        string[] header = File.ReadLines(e.FilePath).TakeWhile(l => l.StartsWith('#')).ToArray();
        output.WriteLine(string.Join('\n', header));

        var allowed = new HashSet<string>(StringComparer.Ordinal)
        {
            "Distance Sample to Detector", "PONI", "Rotations", "Wavelength", // pyFAI calibration
            "pattern_id", "detector", "exposure_s", "start_unix_ns", "end_unix_ns", "wavelength_A", "energy_keV", // acquisition
        };
        foreach (string line in header)
        {
            string text = line.TrimStart('#').Trim();
            int colon = text.IndexOf(':');
            if (colon > 0) Assert.Contains(text[..colon].Trim(), allowed);
            else Assert.True(text.Length == 0 || text.StartsWith("==", StringComparison.Ordinal) || text.StartsWith("Detector ", StringComparison.Ordinal)
                || text.StartsWith("2th_deg", StringComparison.Ordinal), $"unexpected header line '{line}'");
        }
        // no number in the header is the answer: the true c_Li, a, c or a peak position
        var numbers = header.SelectMany(l => Number().Matches(l).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture))).ToArray();
        foreach (double v in numbers)
        {
            Assert.False(Math.Abs(v - e.CLiMid) < 1e-3, $"header number {v} is the true c_Li {e.CLiMid}");
            Assert.False(Math.Abs(v - e.AA) < 1e-3 || Math.Abs(v - e.CA) < 1e-3, $"header number {v} is a lattice parameter");
            Assert.DoesNotContain(e.Peaks, p => Math.Abs(v - p.TwoThetaDeg) < 1e-3);
        }
        // and the driver's reader finds everything it needs
        var h = IntegratedPatternFile.Read(e.FilePath).Header;
        Assert.Equal(("p-0001", 30.0, e.StartUnixNs, e.EndUnixNs), (h.PatternId, h.ExposureS!.Value, h.StartUnixNs!.Value, h.EndUnixNs!.Value));
        Assert.Equal(e.WavelengthA, h.WavelengthA!.Value, 12);
    }

    /// <summary>a and c of the sample as this test works them out: the material's knots interpolated linearly, plus the
    /// documented default offset (+0.0002 Å, +0.002 Å).</summary>
    private static (double A, double C) Expected(Material m, double cLi)
    {
        var k = m.Knots;
        int i = 0;
        while (i < k.Count - 2 && cLi > k[i + 1].CLi) i++;
        double s = (cLi - k[i].CLi) / (k[i + 1].CLi - k[i].CLi);
        return (k[i].AA + s * (k[i + 1].AA - k[i].AA) + 0.0002, k[i].CA + s * (k[i + 1].CA - k[i].CA) + 0.002);
    }

    private static double TwoTheta(int h, int k, int l, double a, double c, double lambda)
    {
        double d = 1 / Math.Sqrt(4.0 * (h * h + h * k + k * k) / (3 * a * a) + (double)(l * l) / (c * c));
        return 2 * Math.Asin(lambda / (2 * d)) * 180 / Math.PI;
    }

    [Theory]
    [InlineData(0.925)]
    [InlineData(0.62)]
    [InlineData(0.425)]
    [InlineData(0.30)]
    public async Task Peak_maxima_sit_where_the_simulators_own_lattice_puts_them(double cLi)
    {
        using var rig = new DiffractionRig(new ResistiveLoad(cathodeCLi: cLi), speed: 1000, new DiffractometerSettings { NoiseSeed = null });
        var e = await rig.Diffractometer.ExposeAsync("clean", 30).WaitAsync(Guard);
        var p = IntegratedPatternFile.Read(e.FilePath);
        double lambda = p.Header.WavelengthA!.Value, step = p.TwoThetaDeg[1] - p.TwoThetaDeg[0];
        var material = MaterialCatalog.Default.Get("NMC811");
        var (a, c) = Expected(material, cLi);
        var hkl = new[] { (0, 0, 3), (1, 0, 1), (0, 0, 6), (0, 1, 2), (1, 0, 4), (0, 1, 5), (1, 0, 7), (0, 1, 8), (1, 1, 0), (1, 1, 3) };
        var positions = hkl.Select(r => TwoTheta(r.Item1, r.Item2, r.Item3, a, c, lambda)).ToArray();
        for (int r = 0; r < hkl.Length; r++)
        {
            var (h, k, l) = hkl[r];
            double expected = positions[r];
            // a reflection with a neighbour within 0.06° (about five widths) has its maximum pulled by the neighbour's tail:
            // (101) and (006) merge as c grows and a shrinks on charge
            if (positions.Where((x, j) => j != r && Math.Abs(x - expected) < 0.06).Any())
            {
                output.WriteLine($"c_Li {cLi}: ({h}{k}{l}) at {expected:F5}° overlaps a neighbour");
                continue;
            }
            double found = PatternPeaks.Maximum(p, expected, 0.01);
            output.WriteLine($"c_Li {cLi}: ({h}{k}{l}) expected {expected:F5}°, maximum at {found:F5}° ({(found - expected) / step:+0.000;-0.000} steps)");
            Assert.Equal(expected, found, 0.05 * step);
        }

        // c from (003) and a from (110) of the file: the simulator's lattice, not the twin's model
        double c003 = 3 * lambda / (2 * Math.Sin(PatternPeaks.Maximum(p, TwoTheta(0, 0, 3, a, c, lambda), 0.01) / 2 * Math.PI / 180));
        double a110 = 2 * lambda / (2 * Math.Sin(PatternPeaks.Maximum(p, TwoTheta(1, 1, 0, a, c, lambda), 0.01) / 2 * Math.PI / 180));
        var twin = new LatticeModel(material);
        output.WriteLine($"c_Li {cLi}: from the file a {a110:F5} Å, c {c003:F4} Å; simulator {a:F5}, {c:F4}; twin's model {twin.A(cLi):F5}, {twin.C(cLi):F4}");
        Assert.Equal(a, a110, 2e-5);
        Assert.Equal(c, c003, 2e-4);
        Assert.True(Math.Abs(a110 - twin.A(cLi)) > 1e-4, "the file's a should differ from the twin's model by the offset");
    }

    [Fact]
    public async Task With_counting_noise_the_strong_peaks_still_sit_on_the_simulators_lattice()
    {
        using var rig = new DiffractionRig(new ResistiveLoad(cathodeCLi: 0.55), speed: 1000);
        var e = await rig.Diffractometer.ExposeAsync("noisy", 60).WaitAsync(Guard);
        var p = IntegratedPatternFile.Read(e.FilePath);
        double lambda = p.Header.WavelengthA!.Value, step = p.TwoThetaDeg[1] - p.TwoThetaDeg[0];
        var (a, c) = Expected(MaterialCatalog.Default.Get("NMC811"), 0.55);
        foreach (var (h, k, l) in new[] { (0, 0, 3), (1, 0, 1), (1, 0, 4) })
        {
            double expected = TwoTheta(h, k, l, a, c, lambda);
            Assert.Equal(expected, PatternPeaks.Maximum(p, expected, 0.01), 0.5 * step);
        }
        // the noise is counting noise: residuals against the noise-free profile scale as √counts
        var (_, clean, _) = PatternSynthesizer.Profile(rig.Diffractometer.Settings with { NoiseSeed = null }, e.Peaks, 60, null);
        double chi2 = 0;
        for (int i = 0; i < clean.Length; i++) chi2 += Math.Pow(p.Intensity[i] - clean[i], 2) / clean[i];
        Assert.InRange(chi2 / clean.Length, 0.9, 1.1);
    }

    [Fact]
    public async Task Peaks_are_as_wide_as_instrument_size_and_strain_make_them_and_00l_broaden_below_0_40()
    {
        double Fwhm(string label, double cLi)
        {
            var truth = new SimulatorLattice(MaterialCatalog.Default.Get("NMC811"));
            return PatternSynthesizer.Peaks(truth, cLi, new DiffractometerSettings()).Single(q => q.Reflection.Label == label).FwhmDeg;
        }
        using var rig = new DiffractionRig(new ResistiveLoad(cathodeCLi: 0.7), speed: 1000, new DiffractometerSettings { NoiseSeed = null });
        var e = await rig.Diffractometer.ExposeAsync("w", 10).WaitAsync(Guard);
        var p = IntegratedPatternFile.Read(e.FilePath);
        // FWHM of (003) measured in the file: the two half-maximum crossings above the background
        double centre = e.Peaks[0].TwoThetaDeg;
        int top = Enumerable.Range(0, p.TwoThetaDeg.Count).Where(i => Math.Abs(p.TwoThetaDeg[i] - centre) < 0.01).MaxBy(i => p.Intensity[i]);
        double background = p.Intensity[Enumerable.Range(0, p.TwoThetaDeg.Count).Where(i => Math.Abs(p.TwoThetaDeg[i] - centre) < 0.2).MinBy(i => p.Intensity[i])];
        double half = background + (p.Intensity[top] - background) / 2;
        double Crossing(int dir)
        {
            int i = top;
            while (p.Intensity[i + dir] > half) i += dir;
            double t = (p.Intensity[i] - half) / (p.Intensity[i] - p.Intensity[i + dir]);
            return p.TwoThetaDeg[i] + dir * t * (p.TwoThetaDeg[1] - p.TwoThetaDeg[0]);
        }
        double measured = Crossing(1) - Crossing(-1);
        // instrument 0.01°, Scherrer 0.9λ/(L cos θ) with L = 200 nm, strain 4ε tan θ with ε = 5·10⁻⁴, in quadrature
        double theta = centre / 2 * Math.PI / 180, lambda = p.Header.WavelengthA!.Value;
        double expected = Math.Sqrt(0.01 * 0.01 + Math.Pow(0.9 * lambda / (2000 * Math.Cos(theta)) * 180 / Math.PI, 2)
            + Math.Pow(4 * 5e-4 * Math.Tan(theta) * 180 / Math.PI, 2));
        output.WriteLine($"(003) FWHM in the file {measured:F5}°, expected {expected:F5}°; (003) at c_Li 0.45 {Fwhm("003", 0.45):F5}°, 0.30 {Fwhm("003", 0.30):F5}°");
        Assert.Equal(expected, measured, 0.02 * expected);
        Assert.True(Fwhm("003", 0.30) > 1.1 * Fwhm("003", 0.45), "(003) broadens below c_Li 0.40 (anisotropic strain along c)");
        Assert.Equal(Fwhm("110", 0.45), Fwhm("110", 0.30), 0.01 * Fwhm("110", 0.45)); // (hk0): nothing along c
    }
}
