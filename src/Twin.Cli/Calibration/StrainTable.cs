using System.Globalization;
using Microsoft.VisualBasic.FileIO;

namespace Twin.Cli.Calibration;

/// <summary>
/// Reads a user's refined strain table: a CSV (comma, semicolon or tab; quoted fields allowed) with a
/// header naming a lithium-content column (<c>c_li</c>, <c>x_li</c>) and a strain column (<c>eps</c>,
/// <c>eps_aniso</c>, <c>strain</c>); extra columns are ignored, <c>#</c> lines are comments.
/// Parsing uses the framework's TextFieldParser.
/// </summary>
internal static class StrainTable
{
    private static readonly string[] s_cNames = ["c_li", "cli", "x_li"];
    private static readonly string[] s_eNames = ["eps", "eps_aniso", "strain", "epsilon"];

    /// <summary>Reads the table.</summary>
    /// <param name="path">CSV file.</param>
    /// <param name="percent">Strain is in percent; divide by 100.</param>
    /// <returns>The c_Li and ε columns.</returns>
    /// <exception cref="FormatException">Missing columns or a cell that is not a number; the message names file, line and column.</exception>
    public static (List<double> CLi, List<double> Eps) Read(string path, bool percent)
    {
        string first = File.ReadLines(path).FirstOrDefault(l => !l.StartsWith('#') && l.Trim().Length > 0)
            ?? throw new FormatException($"{path}: the file is empty; expected a header row with c_li and eps columns");
        string delimiter = first.Contains('\t') ? "\t" : first.Contains(';') ? ";" : ",";
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(delimiter);
        parser.CommentTokens = ["#"];
        string[] header = parser.ReadFields() ?? throw new FormatException($"{path}: expected a header row with c_li and eps columns");
        int ci = Find(header, s_cNames), ei = Find(header, s_eNames);
        if (ci < 0 || ei < 0)
            throw new FormatException($"{path}: expected columns c_li and eps (or eps_aniso/strain), found: {string.Join(", ", header)}");
        var c = new List<double>();
        var e = new List<double>();
        while (!parser.EndOfData)
        {
            long line = parser.LineNumber;
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException ex)
            {
                throw new FormatException($"{path} line {ex.LineNumber}: malformed CSV row", ex);
            }
            if (fields is null || fields.All(string.IsNullOrWhiteSpace)) continue;
            c.Add(Number(path, line, header[ci], fields, ci));
            double eps = Number(path, line, header[ei], fields, ei);
            e.Add(percent ? eps / 100 : eps);
        }
        return (c, e);
    }

    private static int Find(string[] header, string[] names)
    {
        for (int i = 0; i < header.Length; i++)
            if (names.Contains(header[i].Trim().ToLowerInvariant())) return i;
        return -1;
    }

    private static double Number(string path, long line, string column, string[] fields, int index)
    {
        string text = index < fields.Length ? fields[index] : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
        throw new FormatException($"{path} line {line}, column '{column}': '{text}' is not a number");
    }
}
