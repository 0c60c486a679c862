using System.Globalization;
using Twin.Core.Diffraction;
using Twin.Core.Estimation;
using Twin.Core.Lattice;
using Twin.Data.Readers.Diffraction;

namespace Twin.Cli.Replay;

/// <summary>
/// Turns a folder of integrated patterns and a lattice CSV into c_Li measurements: each pattern is read
/// (<see cref="IntegratedPatternReader"/>), fitted (<see cref="PatternFitter"/>) and inverted
/// (<see cref="LatticeInversion"/>) at its mid-exposure time; each CSV row is inverted at its <c>time_s</c>. A pattern
/// that cannot be read, fitted or inverted, or has no time, becomes a record with its reason, never a number.
/// </summary>
internal static class MeasurementSources
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>A pattern's measurement before its Unix time is put on the sample clock.</summary>
    /// <param name="MidUnixNs">Mid-exposure, ns since the Unix epoch (null when the header has no time).</param>
    /// <param name="Pending">The measurement or reason, its time NaN.</param>
    public readonly record struct TimedPattern(long? MidUnixNs, PendingMeasurement Pending);

    /// <summary>Fits every <c>*.xy</c> and <c>*.dat</c> file of a folder (hidden files skipped), in name order.</summary>
    /// <param name="dir">The folder.</param>
    /// <param name="model">The cell material's lattice model.</param>
    /// <returns>One entry per file.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static List<TimedPattern> Patterns(string dir, LatticeModel model)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: no such folder; expected a folder of integrated patterns (*.xy, *.dat)");
        var fitter = new PatternFitter(model);
        var inversion = new LatticeInversion(model);
        var files = Directory.EnumerateFiles(dir)
            .Where(f => !Path.GetFileName(f).StartsWith('.') &&
                        (f.EndsWith(".xy", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".dat", StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var list = new List<TimedPattern>(files.Count);
        foreach (var path in files) list.Add(Pattern(path, fitter, inversion));
        return list;
    }

    private static TimedPattern Pattern(string path, PatternFitter fitter, LatticeInversion inversion)
    {
        string name = Path.GetFileName(path);
        long? mid;
        IntegratedPatternFile file;
        try
        {
            mid = PatternClock.MidUnixNs(path);
            file = IntegratedPatternReader.Read(path);
        }
        catch (Exception e) when (e is DiffractionFileException or IOException or UnauthorizedAccessException)
        {
            return new(null, None(name, "unreadable: " + e.Message));
        }
        var fit = fitter.Fit(file.Pattern);
        if (fit.Measured is not { } measured)
            return new(mid, None(name, "fit failed: " + fit.Message));
        var inverted = inversion.Invert(measured);
        var lattice = fit.Lattice!.Value;
        var pending = inverted.IsInvertible
            ? new PendingMeasurement(double.NaN, LithiumMeasurementKind.Diffraction, name, lattice.AA, lattice.CA, inverted.ToMeasurement(0), null)
            : new PendingMeasurement(double.NaN, LithiumMeasurementKind.Diffraction, name, lattice.AA, lattice.CA, null, "not invertible: " + inverted.Message);
        if (mid is null)
            pending = pending with { Measurement = null, Reason = "no start_unix_ns/end_unix_ns in the header: the pattern's time on the sample clock is not known" };
        return new(mid, pending);
    }

    /// <summary>Puts the patterns on the sample clock.</summary>
    /// <param name="patterns">Fitted patterns.</param>
    /// <param name="testStart">Wall-clock time of the cycler file's first sample.</param>
    /// <returns>The measurements with their times (NaN for those without a time).</returns>
    public static IEnumerable<PendingMeasurement> Place(IEnumerable<TimedPattern> patterns, DateTimeOffset testStart)
    {
        long startNs = (testStart.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        foreach (var p in patterns)
        {
            if (p.MidUnixNs is not { } mid) { yield return p.Pending; continue; }
            double t = (mid - startNs) / 1e9;
            yield return p.Pending with { TimeS = t, Measurement = p.Pending.Measurement is { } m ? m with { TimeS = t } : null };
        }
    }

    /// <summary>Inverts every row of a lattice CSV (<see cref="LatticeCsvReader"/>).</summary>
    /// <param name="path">The CSV.</param>
    /// <param name="model">The cell material's lattice model.</param>
    /// <returns>One entry per row, its time the row's <c>time_s</c>.</returns>
    /// <exception cref="DiffractionFileException">A malformed header or row (the message names file and line).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static List<PendingMeasurement> LatticeCsv(string path, LatticeModel model)
    {
        var inversion = new LatticeInversion(model);
        string name = Path.GetFileName(path);
        var list = new List<PendingMeasurement>();
        int row = 0;
        foreach (var o in LatticeCsvReader.Read(path))
        {
            row++;
            var r = inversion.Invert(o.Lattice);
            string source = string.Create(Ci, $"{name} row {row}");
            double a = o.Lattice.AA ?? double.NaN, c = o.Lattice.CA ?? double.NaN;
            list.Add(r.IsInvertible
                ? new PendingMeasurement(o.TimeS, LithiumMeasurementKind.Diffraction, source, a, c, r.ToMeasurement(o.TimeS), null)
                : new PendingMeasurement(o.TimeS, LithiumMeasurementKind.Diffraction, source, a, c, null, "not invertible: " + r.Message));
        }
        return list;
    }

    private static PendingMeasurement None(string source, string reason) =>
        new(double.NaN, LithiumMeasurementKind.Diffraction, source, double.NaN, double.NaN, null, reason);
}
