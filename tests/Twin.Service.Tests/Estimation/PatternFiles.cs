using Twin.Core.Materials;
using Twin.FirmwareSim.Diffraction;

namespace Twin.Service.Tests.Estimation;

/// <summary>Integrated patterns as the firmware simulator's diffractometer writes them: the simulator's own lattice
/// curve (not the twin's model) at a true c_Li, realistic widths and counting noise, nothing of the truth in the header.</summary>
internal static class PatternFiles
{
    /// <summary>Writes a pattern file of an NMC811 cell at <paramref name="trueCLi"/> and returns its file:// URI.</summary>
    public static string Write(string folder, string id, double trueCLi, long startUnixNs, long endUnixNs, int seed = 7)
    {
        var settings = new DiffractometerSettings { NoiseSeed = seed };
        var lattice = new SimulatorLattice(MaterialCatalog.Default.Get("NMC811"));
        var peaks = PatternSynthesizer.Peaks(lattice, trueCLi, settings);
        double exposure = (endUnixNs - startUnixNs) / 1e9;
        var (tth, intensity, sigma) = PatternSynthesizer.Profile(settings, peaks, exposure, new Random(seed));
        string path = Path.Combine(folder, id + ".xy");
        var (lo, hi) = settings.TwoThetaRangeDeg();
        var e = new DiffractionExposure(id, startUnixNs, endUnixNs, exposure, settings.WavelengthA, lo, hi, settings.Detector, path,
            trueCLi, startUnixNs + (endUnixNs - startUnixNs) / 2, lattice.A(trueCLi), lattice.C(trueCLi), peaks);
        IntegratedPatternWriter.Write(path, e, settings.DistanceM, tth, intensity, sigma);
        return e.Uri;
    }
}
