using System.Globalization;
using Twin.Core.Diffraction;
using Twin.Core.Lattice;

namespace Twin.Data.Readers.Diffraction;

/// <summary>
/// Reads integrated 1D powder patterns (<c>.xy</c>, <c>.dat</c>) line by line: an optional <c>#</c> header, then rows of
/// two or three numbers — radial position, intensity[, σ] — separated by blanks, tabs or commas.
/// </summary>
/// <remarks>
/// <para>From the header only the radial unit and the wavelength are taken: the pyFAI column line (first word
/// <c>2th_deg</c>, <c>2th_rad</c>, <c>q_A^-1</c> or <c>q_nm^-1</c>; none: 2θ in degrees is assumed and noted), and
/// <c>Wavelength: 2.0664e-11 m</c> (pyFAI writes metres; a unit <c>A</c>/<c>Å</c> or <c>nm</c> may be given instead),
/// <c>wavelength_A:</c> or <c>energy_keV:</c> (λ = hc/E). Every other line — including any that would carry the
/// answer, such as lattice parameters, c_Li or peak positions — is ignored: the lattice is fitted, never read.</para>
/// <para>A σ column with zero entries (empty bins) is not used (noted); weights then come from the intensities.</para>
/// </remarks>
public static class IntegratedPatternReader
{
    private static readonly char[] Separators = [' ', '\t', ','];
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>Reads a file (opened with sharing, so a writer may still hold it).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The pattern and what was assumed.</returns>
    /// <exception cref="DiffractionFileException">The content is malformed; the message names file, line and what was expected.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IntegratedPatternFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return Parse(reader, path);
    }

    /// <summary>Parses a pattern from text, one line at a time.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="origin">File name used in the pattern and in error messages.</param>
    /// <returns>The pattern and what was assumed.</returns>
    /// <exception cref="DiffractionFileException">The content is malformed.</exception>
    public static IntegratedPatternFile Parse(TextReader reader, string origin)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var notes = new List<string>();
        var wavelengths = new List<(double A, int Line, string Key)>();
        RadialAxis axis = RadialAxis.TwoThetaDeg;
        double factor = 1;
        bool unitSeen = false;
        var x = new List<double>();
        var y = new List<double>();
        var s = new List<double>();
        int columns = 0, zeroSigma = 0, lineNo = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var t = line.AsSpan().Trim();
            if (t.IsEmpty) continue;
            if (t[0] == '#')
            {
                if (x.Count > 0) continue; // comments after the data carry nothing for the fit
                string text = t.TrimStart('#').Trim().ToString();
                if (Header(text, origin, lineNo, wavelengths) is { } unitWord)
                {
                    bool? known = RadialUnitText.TryParse(unitWord, out var a, out double f);
                    if (known is null)
                        throw new DiffractionFileException(origin, lineNo,
                            $"radial unit '{unitWord}' cannot be fitted: integrate with unit 2th_deg, 2th_rad, q_A^-1 or q_nm^-1");
                    if (known == true)
                    {
                        (axis, factor, unitSeen) = (a, f, true);
                    }
                }
                continue;
            }

            string[] tok = t.ToString().Split(Separators, StringSplitOptions.RemoveEmptyEntries);
            if (tok.Length is < 2 or > 3)
                throw new DiffractionFileException(origin, lineNo,
                    $"expected 2 or 3 numbers (radial position, intensity[, σ]), found {tok.Length} fields in '{Clip(t.ToString())}'");
            if (columns == 0) columns = tok.Length;
            else if (tok.Length != columns)
                throw new DiffractionFileException(origin, lineNo, $"expected {columns} numbers like the first data row, found {tok.Length} in '{Clip(t.ToString())}'");
            double xv = Number(tok[0], origin, lineNo, "the radial position") * factor;
            if (x.Count > 0 && !(xv > x[^1]))
                throw new DiffractionFileException(origin, lineNo,
                    string.Create(Ci, $"expected the radial position to increase, found {tok[0]} after the previous row's {x[^1] / factor:R}"));
            if (!(xv > 0))
                throw new DiffractionFileException(origin, lineNo, $"expected a positive radial position, found {tok[0]}");
            x.Add(xv);
            y.Add(Number(tok[1], origin, lineNo, "the intensity"));
            if (columns == 3)
            {
                double sv = Number(tok[2], origin, lineNo, "σ");
                if (sv < 0) throw new DiffractionFileException(origin, lineNo, $"expected σ ≥ 0, found {tok[2]}");
                if (sv == 0) zeroSigma++;
                s.Add(sv);
            }
        }
        if (x.Count < 2)
            throw new DiffractionFileException(origin, lineNo, $"expected at least 2 data rows (radial position, intensity[, σ]), found {x.Count} before the end of the file");

        if (!unitSeen) notes.Add("no column line (2th_deg, 2th_rad, q_A^-1, q_nm^-1): 2θ in degrees assumed");
        double? wavelength = Wavelength(wavelengths, origin);
        if (axis == RadialAxis.TwoThetaDeg && wavelength is null)
            notes.Add("no wavelength in the header ('Wavelength: … m', 'wavelength_A:', 'energy_keV:'): 2θ cannot be turned into d-spacings");
        double[]? sigma = columns == 3 && zeroSigma == 0 ? s.ToArray() : null;
        if (columns == 3 && zeroSigma > 0) notes.Add($"σ is 0 in {zeroSigma} rows: σ not used, weights from the intensities");
        var pattern = new PowderPattern(origin, axis, x.ToArray(), y.ToArray(), sigma, wavelength);
        return new IntegratedPatternFile(pattern, notes);
    }

    /// <summary>Handles one header line: records a wavelength, or returns the first word of a possible column line.</summary>
    private static string? Header(string text, string origin, int lineNo, List<(double A, int Line, string Key)> wavelengths)
    {
        int colon = text.IndexOf(':');
        if (colon > 0)
        {
            string key = text[..colon].Trim(), value = text[(colon + 1)..].Trim();
            if (key.Equals("Wavelength", StringComparison.OrdinalIgnoreCase))
                wavelengths.Add((PyFaiWavelength(value, origin, lineNo), lineNo, key));
            else if (key.Equals("wavelength_A", StringComparison.OrdinalIgnoreCase))
                wavelengths.Add((Positive(value, origin, lineNo, "wavelength_A: a wavelength in Å"), lineNo, key));
            else if (key.Equals("energy_keV", StringComparison.OrdinalIgnoreCase))
                wavelengths.Add((XRay.WavelengthFromEnergy(Positive(value, origin, lineNo, "energy_keV: a photon energy in keV")), lineNo, key));
            return null;
        }
        if (text.Contains('=')) return null;
        int end = text.IndexOfAny([' ', '\t']);
        return end < 0 ? text : text[..end];
    }

    private static double PyFaiWavelength(string value, string origin, int lineNo)
    {
        string[] parts = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        const string expected = "Wavelength: a number in metres as pyFAI writes it (e.g. '1.5406e-10 m'), or with the unit A or nm";
        if (parts.Length is < 1 or > 2) throw new DiffractionFileException(origin, lineNo, $"expected {expected}, found '{Clip(value)}'");
        double v = Positive(parts[0], origin, lineNo, expected);
        string unit = parts.Length == 2 ? parts[1] : "";
        double a = unit switch
        {
            "" or "m" => v * 1e10,
            "A" or "Å" or "Angstrom" or "angstrom" => v,
            "nm" => v * 10,
            _ => throw new DiffractionFileException(origin, lineNo, $"expected {expected}, found the unit '{unit}'"),
        };
        if (unit.Length == 0 && v > 1e-6)
            throw new DiffractionFileException(origin, lineNo,
                $"Wavelength {parts[0]} has no unit and is too large for metres (pyFAI writes e.g. 1.5406e-10): add 'A' if Å is meant");
        return a;
    }

    private static double? Wavelength(List<(double A, int Line, string Key)> found, string origin)
    {
        if (found.Count == 0) return null;
        var first = found[0];
        foreach (var w in found)
        {
            if (!(w.A is >= 0.01 and <= 10))
                throw new DiffractionFileException(origin, w.Line,
                    string.Create(Ci, $"expected a wavelength between 0.01 and 10 Å, found {w.A:G6} Å from '{w.Key}' (is the unit right?)"));
            if (Math.Abs(w.A - first.A) > 1e-4 * first.A)
                throw new DiffractionFileException(origin, w.Line,
                    string.Create(Ci, $"'{w.Key}' gives λ = {w.A:G6} Å but '{first.Key}' on line {first.Line} gives {first.A:G6} Å"));
        }
        return first.A;
    }

    private static double Positive(string text, string origin, int lineNo, string expected)
    {
        string first = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (!double.TryParse(first, NumberStyles.Float, Ci, out double v) || !(v > 0) || !double.IsFinite(v))
            throw new DiffractionFileException(origin, lineNo, $"expected {expected}, found '{Clip(text)}'");
        return v;
    }

    private static double Number(string token, string origin, int lineNo, string what)
    {
        if (!double.TryParse(token, NumberStyles.Float, Ci, out double v) || !double.IsFinite(v))
            throw new DiffractionFileException(origin, lineNo, $"expected {what} as a finite number, found '{Clip(token)}'");
        return v;
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
