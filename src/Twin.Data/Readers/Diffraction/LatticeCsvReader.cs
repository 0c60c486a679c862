using System.Globalization;
using Twin.Core.Lattice;

namespace Twin.Data.Readers.Diffraction;

/// <summary>
/// Reads lattice parameters refined elsewhere (the beamline's Le Bail or Rietveld results) from a CSV with the header
/// <c>time_s,a_A,c_A</c> or <c>time_s,a_A,c_A,a_sigma_A,c_sigma_A</c>, streaming one row at a time.
/// </summary>
/// <remarks>
/// Strict: the header must be exactly one of the two (names case-insensitive, blanks around them allowed); every row has
/// as many fields as the header; time in s on the sample clock, finite and never decreasing; a and c within the
/// plausible ranges of <see cref="MeasuredLattice"/> (1–10 Å and 5–50 Å; a value in nm is refused, not scaled); a σ is a positive number or an empty field (not given: the inversion then uses its stated
/// assumption). Blank lines and lines starting with <c>#</c> are skipped. Rows before a bad one have already been
/// returned when the error is thrown.
/// </remarks>
public static class LatticeCsvReader
{
    private static readonly string[] Required = ["time_s", "a_A", "c_A"];
    private static readonly string[] WithSigma = ["time_s", "a_A", "c_A", "a_sigma_A", "c_sigma_A"];
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>Reads a file lazily.</summary>
    /// <param name="path">The CSV.</param>
    /// <returns>The rows in file order.</returns>
    /// <exception cref="DiffractionFileException">A malformed header or row (thrown while enumerating; the message names file and line).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IEnumerable<LatticeObservation> Read(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        foreach (var row in Parse(reader, path)) yield return row;
    }

    /// <summary>Parses CSV text lazily.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="origin">Name for messages.</param>
    /// <returns>The rows in order.</returns>
    /// <exception cref="DiffractionFileException">A malformed header or row.</exception>
    public static IEnumerable<LatticeObservation> Parse(TextReader reader, string origin)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int lineNo = 0, columns = 0;
        double lastTime = double.NegativeInfinity;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            string t = line.Trim();
            if (t.Length == 0 || t[0] == '#') continue;
            string[] f = t.Split(',');
            for (int i = 0; i < f.Length; i++) f[i] = f[i].Trim();
            if (columns == 0)
            {
                columns = Header(f, origin, lineNo);
                continue;
            }
            if (f.Length != columns)
                throw new DiffractionFileException(origin, lineNo, $"expected {columns} fields like the header, found {f.Length} in '{Clip(t)}'");
            double time = Number(f[0], "time_s", origin, lineNo);
            if (time < lastTime)
                throw new DiffractionFileException(origin, lineNo, string.Create(Ci, $"time_s = {time:R} runs backwards (the row before has {lastTime:R})"));
            lastTime = time;
            double a = InRange(f[1], "a_A", MeasuredLattice.MinAA, MeasuredLattice.MaxAA, origin, lineNo);
            double c = InRange(f[2], "c_A", MeasuredLattice.MinCA, MeasuredLattice.MaxCA, origin, lineNo);
            double? sa = columns == 5 ? Sigma(f[3], "a_sigma_A", origin, lineNo) : null;
            double? sc = columns == 5 ? Sigma(f[4], "c_sigma_A", origin, lineNo) : null;
            yield return new LatticeObservation(time, new MeasuredLattice(a, sa, c, sc));
        }
        if (columns == 0)
            throw new DiffractionFileException(origin, lineNo, "expected the header 'time_s,a_A,c_A[,a_sigma_A,c_sigma_A]', found no line");
    }

    private static int Header(string[] f, string origin, int lineNo)
    {
        if (Matches(f, Required)) return 3;
        if (Matches(f, WithSigma)) return 5;
        throw new DiffractionFileException(origin, lineNo,
            $"expected the header 'time_s,a_A,c_A' or 'time_s,a_A,c_A,a_sigma_A,c_sigma_A', found '{Clip(string.Join(',', f))}'");
    }

    private static bool Matches(string[] f, string[] names)
    {
        if (f.Length != names.Length) return false;
        for (int i = 0; i < f.Length; i++)
            if (!f[i].Equals(names[i], StringComparison.OrdinalIgnoreCase)) return false;
        return true;
    }

    private static double Number(string field, string column, string origin, int lineNo)
    {
        if (!double.TryParse(field, NumberStyles.Float, Ci, out double v) || !double.IsFinite(v))
            throw new DiffractionFileException(origin, lineNo, $"{column}: expected a finite number, found '{Clip(field)}'");
        return v;
    }

    private static double InRange(string field, string column, double min, double max, string origin, int lineNo)
    {
        double v = Number(field, column, origin, lineNo);
        if (v < min || v > max)
            throw new DiffractionFileException(origin, lineNo,
                string.Create(Ci, $"{column} = {v:R} is not a lattice parameter in Å (expected {min}–{max} Å; nm given?)"));
        return v;
    }

    private static double? Sigma(string field, string column, string origin, int lineNo)
    {
        if (field.Length == 0) return null;
        double v = Number(field, column, origin, lineNo);
        if (!(v > 0)) throw new DiffractionFileException(origin, lineNo, string.Create(Ci, $"{column} = {v:R}: expected a positive σ in Å or an empty field"));
        return v;
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
