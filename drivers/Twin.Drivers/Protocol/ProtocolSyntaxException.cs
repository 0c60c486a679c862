namespace Twin.Drivers.Protocol;

/// <summary>
/// Protocol text that cannot be parsed. The message names the origin, line and column and shows the line
/// with a caret under the offending text (the line is shown without its indentation unless the error is in the
/// indentation itself; the column counts from the start of the raw line):
/// <code>
/// protocol line 3, column 23: expected 'until', 'for' or '(… period)' after the setpoint
///   Charge at C/5 untill 4.2 V
///                 ^
/// </code>
/// </summary>
public sealed class ProtocolSyntaxException : FormatException
{
    /// <summary>Creates the exception and formats its message.</summary>
    /// <param name="origin">Where the text came from (file name, "step", …).</param>
    /// <param name="line">1-based line number.</param>
    /// <param name="column">1-based column (characters, a tab counts as one) of the offending text in <paramref name="lineText"/>.</param>
    /// <param name="lineText">The whole offending line as written.</param>
    /// <param name="reason">What is wrong, without location.</param>
    public ProtocolSyntaxException(string origin, int line, int column, string lineText, string reason)
        : base(Format(origin, line, column, lineText, reason))
    {
        Origin = origin;
        Line = line;
        Column = column;
        LineText = lineText;
        Reason = reason;
    }

    /// <summary>Where the text came from.</summary>
    public string Origin { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending text in <see cref="LineText"/> (one past the end for missing text).</summary>
    public int Column { get; }

    /// <summary>The whole offending line as written.</summary>
    public string LineText { get; }

    /// <summary>What is wrong, without the location and excerpt.</summary>
    public string Reason { get; }

    private static string Format(string origin, int line, int column, string lineText, string reason)
    {
        string text = lineText.TrimEnd().Replace('\t', ' ');
        int caret = Math.Max(0, column - 1);
        int indent = text.Length - text.TrimStart().Length;
        if (caret > indent)
        {
            // Show the step without its indentation, as the reader thinks of it.
            text = text[indent..];
            caret -= indent;
        }
        return $"{origin} line {line}, column {column}: {reason}\n  {text}\n  {new string(' ', caret)}^";
    }
}
