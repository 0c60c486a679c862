namespace Twin.Data.Readers;

/// <summary>
/// A cycler file does not hold what its format promises: a malformed value, a missing column, an unknown
/// format. The message names the file, the 1-based line and the column, says what was found and what was
/// expected, e.g. <c>lg.txt line 57, column 'Volts': '4.2x' is not a number</c>.
/// </summary>
public sealed class CyclerDataException : Exception
{
    /// <summary>Creates the exception; the message is composed from the parts.</summary>
    /// <param name="file">The file (or stream source name) being read.</param>
    /// <param name="line">1-based line number, or 0 when the problem is not on one line.</param>
    /// <param name="column">The column's header name, or null when the problem is not in one column.</param>
    /// <param name="detail">What was found and what was expected.</param>
    public CyclerDataException(string file, long line, string? column, string detail)
        : base(Compose(file, line, column, detail))
    {
        File = file;
        Line = line;
        Column = column;
        Detail = detail;
    }

    /// <summary>The file (or stream source name) being read.</summary>
    public string File { get; }

    /// <summary>1-based line number of the problem, or 0 when it is not on one line.</summary>
    public long Line { get; }

    /// <summary>Header name of the column at fault, or null.</summary>
    public string? Column { get; }

    /// <summary>The message without the file/line/column prefix.</summary>
    public string Detail { get; }

    internal static string Compose(string file, long line, string? column, string detail)
    {
        string name = Path.GetFileName(file);
        if (name.Length == 0)
        {
            name = file;
        }

        string where = line > 0 ? $"{name} line {line}" : name;
        return column is null ? $"{where}: {detail}" : $"{where}, column '{column}': {detail}";
    }
}
