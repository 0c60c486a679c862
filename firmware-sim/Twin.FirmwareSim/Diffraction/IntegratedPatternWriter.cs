using System.Globalization;
using System.Text;

namespace Twin.FirmwareSim.Diffraction;

/// <summary>
/// Writes a simulated integrated pattern as a pyFAI-style <c>.xy</c> file with only what a real integrated pattern
/// carries: the pyFAI calibration block (distance in m, PONI, rotations, detector line, <c>Wavelength: … m</c>), the
/// acquisition block with the keys the driver's <c>Twin.Drivers.Triggers.IntegratedPatternFile</c> reads
/// (<c>pattern_id</c>, <c>detector</c>, <c>exposure_s</c>, <c>start_unix_ns</c>, <c>end_unix_ns</c>,
/// <c>wavelength_A</c>, <c>energy_keV</c>), the column line <c>2th_deg I sigma</c> and three columns of data. Nothing
/// of the simulator's truth (c_Li, a, c, peak positions) is written: the lattice has to be fitted from the data. The
/// file is written to a hidden temporary name and renamed into place, so a watcher never sees it half-written.
/// </summary>
public static class IntegratedPatternWriter
{
    /// <summary>Writes the file atomically.</summary>
    /// <param name="path">Final path (its folder must exist).</param>
    /// <param name="exposure">The exposure described (its <see cref="DiffractionExposure.FilePath"/> and truth are not used).</param>
    /// <param name="distanceM">Sample–detector distance for the pyFAI block, m.</param>
    /// <param name="tth">2θ, degrees.</param>
    /// <param name="intensity">Intensity, counts.</param>
    /// <param name="sigma">σ, counts.</param>
    /// <exception cref="IOException">The file exists already or cannot be written (the temporary file is removed).</exception>
    public static void Write(string path, DiffractionExposure exposure, double distanceM,
        IReadOnlyList<double> tth, IReadOnlyList<double> intensity, IReadOnlyList<double> sigma)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(64 * (tth.Count + 40));
        void H(string line) => sb.Append("# ").Append(line).Append('\n');
        H("== pyFAI calibration ==");
        H(string.Create(ci, $"Distance Sample to Detector: {distanceM:R} m"));
        H("PONI: 0.000e+00, 0.000e+00 m");
        H("Rotations: 0.000000 0.000000 0.000000 rad");
        H("");
        H($"Detector {exposure.Detector}\t (simulated, Twin.FirmwareSim)");
        H(string.Create(ci, $"Wavelength: {exposure.WavelengthA * 1e-10:R} m"));
        H("");
        H("== acquisition ==");
        H($"pattern_id: {exposure.PatternId}");
        H($"detector: {exposure.Detector}");
        H(string.Create(ci, $"exposure_s: {exposure.ExposureS:R}"));
        H(string.Create(ci, $"start_unix_ns: {exposure.StartUnixNs}"));
        H(string.Create(ci, $"end_unix_ns: {exposure.EndUnixNs}"));
        H(string.Create(ci, $"wavelength_A: {exposure.WavelengthA:R}"));
        H(string.Create(ci, $"energy_keV: {exposure.EnergyKeV:R}"));
        H("");
        sb.Append(ci, $"#{"2th_deg",14}  {"I",14}  {"sigma",14}\n");
        for (int i = 0; i < tth.Count; i++)
            sb.Append(ci, $"{tth[i],15:E6}  {intensity[i],14:E6}  {sigma[i],14:E6}\n");

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(folder, "." + Path.GetFileName(path) + ".tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                fs.Write(Encoding.UTF8.GetBytes(sb.ToString()));
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: false);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }
}
