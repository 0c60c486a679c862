using System.Globalization;
using Twin.Core.Lattice;

namespace Twin.Drivers.Triggers;

/// <summary>
/// Reads integrated 1D powder patterns (<c>.xy</c>, <c>.dat</c>): optional <c>#</c> comment header (pyFAI style plus the
/// operando keys of <see cref="PatternHeaderKeys"/>), then rows of two or three numbers — 2θ, intensity [, σ] —
/// separated by spaces, tabs or commas.
/// </summary>
public static class IntegratedPatternFile
{
    private static readonly char[] s_separators = [' ', '\t', ','];

    /// <summary>Reads a file (opened with sharing, so a writer may still hold it).</summary>
    /// <param name="path">The file.</param>
    /// <returns>Header and data, 2θ in degrees.</returns>
    /// <exception cref="PatternFileFormatException">The content is malformed; the message names file, line and what was expected.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IntegratedPattern Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return Parse(reader, path);
    }

    /// <summary>Parses a pattern from text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="origin">File name used in results and error messages.</param>
    /// <returns>Header and data, 2θ in degrees.</returns>
    /// <exception cref="PatternFileFormatException">The content is malformed.</exception>
    public static IntegratedPattern Parse(TextReader reader, string origin)
    {
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var keyLines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        string? pyFaiDetector = null;
        string unit = "2th_deg";
        bool unitDeclared = false;
        var tth = new List<double>();
        var intensity = new List<double>();
        List<double>? sigma = null;
        int columns = 0;
        int lineNo = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            string s = line.Trim();
            if (s.Length == 0) continue;
            if (s[0] == '#')
            {
                if (tth.Count > 0) continue; // comments after the data are ignored
                string c = s.TrimStart('#').Trim();
                if (TryRadialUnit(c, origin, lineNo, out string? u))
                {
                    unit = u!;
                    unitDeclared = true;
                }
                else if (c.StartsWith("Detector ", StringComparison.Ordinal) && !c.Contains(':'))
                {
                    pyFaiDetector = PyFaiDetectorName(c["Detector ".Length..]);
                }
                else if (SplitKey(c, out string key, out string value))
                {
                    keys[key] = value;
                    keyLines[key] = lineNo;
                }
                continue;
            }

            string[] tok = s.Split(s_separators, StringSplitOptions.RemoveEmptyEntries);
            if (tok.Length is < 2 or > 3)
                throw Error(origin, lineNo, $"expected 2 or 3 numeric columns (2θ in degrees, intensity[, sigma]), found {tok.Length} in '{Clip(s)}'");
            if (columns == 0)
            {
                columns = tok.Length;
                if (columns == 3) sigma = [];
            }
            else if (tok.Length != columns)
                throw Error(origin, lineNo, $"expected {columns} columns like the first data row, found {tok.Length} in '{Clip(s)}'");
            double x = Number(tok[0], origin, lineNo, "2θ");
            if (unit == "2th_rad") x *= 180.0 / Math.PI;
            if (tth.Count > 0 && !(x > tth[^1]))
                throw Error(origin, lineNo, $"expected 2θ to increase, found {tok[0]} after {tth[^1].ToString("R", CultureInfo.InvariantCulture)}");
            tth.Add(x);
            intensity.Add(Number(tok[1], origin, lineNo, "intensity"));
            sigma?.Add(Number(tok[2], origin, lineNo, "sigma"));
        }
        if (tth.Count < 2)
            throw Error(origin, lineNo, $"expected at least 2 data rows (2θ intensity[ sigma]), found {tth.Count} before the end of the file");

        var header = BuildHeader(keys, keyLines, pyFaiDetector, unit, unitDeclared, origin);
        return new IntegratedPattern(origin, header, tth.ToArray(), intensity.ToArray(), sigma?.ToArray());
    }

    private static IntegratedPatternHeader BuildHeader(
        Dictionary<string, string> keys, Dictionary<string, int> lines, string? pyFaiDetector, string unit, bool declared, string origin)
    {
        double? wavelengthA = PositiveKey(PatternHeaderKeys.WavelengthA, "a positive wavelength in Å");
        double? energy = PositiveKey(PatternHeaderKeys.EnergyKeV, "a positive photon energy in keV");
        if (wavelengthA is null && keys.ContainsKey(PatternHeaderKeys.PyFaiWavelength))
        {
            // pyFAI writes "Wavelength: 2.0664e-11 m" (metres); older versions omit the unit.
            double m = Metres(PatternHeaderKeys.PyFaiWavelength, "a wavelength in metres, e.g. '1.5406e-10 m'");
            wavelengthA = m * 1e10;
        }
        if (wavelengthA is null && energy is not null) wavelengthA = XRay.WavelengthFromEnergy(energy.Value);
        if (wavelengthA is { } w && !(w is >= 0.01 and <= 10))
            throw Error(origin, LineOf(PatternHeaderKeys.WavelengthA, PatternHeaderKeys.PyFaiWavelength, PatternHeaderKeys.EnergyKeV),
                $"expected a wavelength between 0.01 and 10 Å, found {w.ToString("G6", CultureInfo.InvariantCulture)} Å (is the unit right?)");

        double? distance = keys.ContainsKey(PatternHeaderKeys.PyFaiDistance)
            ? Metres(PatternHeaderKeys.PyFaiDistance, "a distance in metres, e.g. '0.25 m'") : null;
        long? start = IntegerKey(PatternHeaderKeys.StartUnixNs);
        long? end = IntegerKey(PatternHeaderKeys.EndUnixNs);
        if (start is not null && end is not null && end < start)
            throw Error(origin, lines[PatternHeaderKeys.EndUnixNs], $"expected end_unix_ns at or after start_unix_ns {start}, found {end}");
        keys.TryGetValue(PatternHeaderKeys.Detector, out var detector);
        keys.TryGetValue(PatternHeaderKeys.PatternId, out var id);
        return new IntegratedPatternHeader
        {
            WavelengthA = wavelengthA,
            EnergyKeV = energy,
            RadialUnit = unit,
            RadialUnitDeclared = declared,
            ExposureS = PositiveKey(PatternHeaderKeys.ExposureS, "a positive exposure in seconds"),
            StartUnixNs = start,
            EndUnixNs = end,
            Detector = string.IsNullOrWhiteSpace(detector) ? pyFaiDetector : detector,
            PatternId = string.IsNullOrWhiteSpace(id) ? null : id,
            DistanceM = distance,
            Keys = keys,
        };

        int LineOf(params string[] candidates)
        {
            foreach (var k in candidates) if (lines.TryGetValue(k, out int n)) return n;
            return 0;
        }

        double? PositiveKey(string key, string expected)
        {
            if (!keys.TryGetValue(key, out var v)) return null;
            string num = v.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !(d > 0) || !double.IsFinite(d))
                throw Error(origin, lines[key], $"expected {key}: {expected}, found '{Clip(v)}'");
            return d;
        }

        long? IntegerKey(string key)
        {
            if (!keys.TryGetValue(key, out var v)) return null;
            if (!long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) || n < 0)
                throw Error(origin, lines[key], $"expected {key}: a non-negative integer of ns since the Unix epoch, found '{Clip(v)}'");
            return n;
        }

        double Metres(string key, string expected)
        {
            string v = keys[key];
            string[] parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            bool unitOk = parts.Length == 1 || (parts.Length == 2 && parts[1] == "m");
            if (parts.Length == 0 || !unitOk
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !(d > 0) || !double.IsFinite(d))
                throw Error(origin, lines[key], $"expected {key}: {expected}, found '{Clip(v)}'");
            return d;
        }
    }

    private static bool TryRadialUnit(string comment, string origin, int lineNo, out string? unit)
    {
        unit = null;
        if (comment.Contains(':') || comment.Contains('=')) return false;
        string first = comment.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        string f = first.ToLowerInvariant();
        if (f is "2th_deg" or "2theta" or "2θ" or "tth" or "2th" or "two_theta" or "2theta_deg" or "2θ(deg)" or "2θ_deg")
        {
            unit = "2th_deg";
            return true;
        }
        if (f == "2th_rad")
        {
            unit = "2th_rad";
            return true;
        }
        if (f.StartsWith("q_", StringComparison.Ordinal) || f.StartsWith("r_", StringComparison.Ordinal)
            || f.StartsWith("d*2", StringComparison.Ordinal) || f.StartsWith("chi_", StringComparison.Ordinal))
            throw Error(origin, lineNo, $"expected the radial unit 2th_deg (or 2th_rad), found '{first}': integrate with unit=\"2th_deg\"");
        return false;
    }

    private static bool SplitKey(string comment, out string key, out string value)
    {
        key = value = "";
        int colon = comment.IndexOf(':');
        if (colon <= 0) return false;
        key = comment[..colon].Trim();
        if (key.Length == 0 || key.StartsWith('=')) return false;
        value = comment[(colon + 1)..].Trim();
        return true;
    }

    private static string PyFaiDetectorName(string rest)
    {
        int cut = rest.Length;
        foreach (string stop in (string[])["\t", "PixelSize=", "Spline=", "PixelSize:", "Spline:"])
        {
            int i = rest.IndexOf(stop, StringComparison.Ordinal);
            if (i >= 0 && i < cut) cut = i;
        }
        string name = rest[..cut].Trim();
        return name.Length == 0 ? rest.Trim() : name;
    }

    private static double Number(string token, string origin, int lineNo, string what)
    {
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw Error(origin, lineNo, $"expected {what} as a finite number, found '{Clip(token)}'");
        return v;
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";

    private static PatternFileFormatException Error(string origin, int lineNo, string message) => new(origin, lineNo, message);
}
