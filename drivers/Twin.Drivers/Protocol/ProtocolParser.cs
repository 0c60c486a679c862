namespace Twin.Drivers.Protocol;

/// <summary>
/// Parses cycling protocols written as PyBaMM-style experiment step strings, one step per line.
/// </summary>
/// <remarks>
/// <para><b>Steps</b> (keywords and units case-insensitive):</para>
/// <code>
/// Rest for 10 minutes
/// Charge at C/10 until 4.2 V
/// Charge at 0.5C until 4.2 V (10 second period)
/// Charge at 1 A for 30 minutes
/// Charge at 500 mA for 2 hours or until 4.2 V
/// Charge at C/5 until c_Li 0.42            # also: until c_Li = 0.42
/// Discharge at C/5 until 3.0 V or 10 hours (1 minute period)
/// Hold at 4.2 V until C/200 or 90 minutes
/// Hold at 4.2 V until 50 mA
/// Hold at 4.2 V for 1 hour
/// </code>
/// <para>Grammar:</para>
/// <code>
/// step        := "Rest" "for" duration ["or" ["until"] limits] [period]
///              | ("Charge" | "Discharge") "at" (current | crate) termination [period]
///              | "Hold" "at" voltage termination [period]
/// termination := "until" limits | "for" duration ["or" ["until"] limits]
/// limits      := limit ("or" ["until"] limit)*
/// limit       := voltage | current | crate | duration | "c_Li" ["="] number
/// period      := "(" duration "period" ")"
/// voltage     := number ("V" | "mV")
/// current     := number ("A" | "mA" | "µA" | "uA")
/// crate       := "C/" number | number "C"
/// duration    := number ("s" | "sec" | "second(s)" | "min" | "minute(s)" | "h" | "hr" | "hour(s)" | "day(s)")
/// </code>
/// <para>Rules: a Rest ends only on a duration; Charge/Discharge end on a voltage, duration or c_Li
/// (current and C-rate limits belong to Hold steps); a Hold ends on a current, C-rate, duration or c_Li,
/// never on a voltage. Every value is positive and finite; c_Li lies in (0, 1]; a kind may appear once per
/// step. Currents, C-rates and durations are stored in A, 1/h and s (<see cref="StepLimit"/>). Power
/// (<c>at 2 W</c>), resistance (<c>at 4 Ohm</c>) and drive-cycle (<c>Run …</c>) steps are not supported.</para>
/// <para><b>Protocols</b>: one step per line; <c>#</c> starts a comment; blank lines are ignored; a loop is a
/// header <c>Repeat N times:</c> (also <c>Repeat N time:</c>, <c>Cycle N times:</c>, N ≥ 1) followed by a
/// more-indented block. Loops nest. Indentation uses tabs or spaces, not both, and each block is indented
/// consistently:</para>
/// <code>
/// # formation, then ageing
/// Rest for 1 hour
/// Repeat 2 times:
///     Charge at C/10 until 4.2 V
///     Hold at 4.2 V until C/50
///     Discharge at C/10 until 3.0 V
/// Cycle 100 times:
///     Charge at C/3 until c_Li 0.42 or 4.2 V (30 second period)
///     Rest for 10 minutes
///     Discharge at C/3 until 2.8 V
/// </code>
/// <para>All errors are <see cref="ProtocolSyntaxException"/>s pointing at the offending column.</para>
/// </remarks>
public static class ProtocolParser
{
    /// <summary>Parses one step string (a trailing <c># comment</c> is ignored).</summary>
    /// <param name="text">The step, e.g. <c>Charge at C/5 until 4.2 V</c>; must be a single line.</param>
    /// <param name="line">Line number reported in errors and stored in the step.</param>
    /// <param name="origin">Origin reported in errors.</param>
    /// <returns>The parsed step.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="origin"/> is null.</exception>
    /// <exception cref="ProtocolSyntaxException">The text is not a valid step.</exception>
    public static ProtocolStep ParseStep(string text, int line = 1, string origin = "step")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(origin);
        int newline = text.IndexOfAny(['\r', '\n']);
        if (newline >= 0 && text[newline..].Trim().Length > 0)
            throw new ProtocolSyntaxException(origin, line, newline + 1, text[..newline], "a step is a single line; use ProtocolParser.Parse for several steps");
        string lineText = newline >= 0 ? text[..newline] : text;
        int end = ContentEnd(lineText);
        return StepParser.Parse(origin, line, lineText, 0, end);
    }

    /// <summary>Parses a whole protocol text.</summary>
    /// <param name="text">Protocol text: one step or loop header per line (LF or CRLF line ends).</param>
    /// <param name="origin">Where the text came from (file name), reported in errors and kept in the result.</param>
    /// <returns>The protocol tree; use <see cref="CyclingProtocol.Flatten"/> for the execution order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="origin"/> is null.</exception>
    /// <exception cref="ProtocolSyntaxException">The text has a syntax error or contains no steps.</exception>
    public static CyclingProtocol Parse(string text, string origin)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(origin);
        List<SourceLine> lines = SplitLines(text, origin);
        if (lines.Count == 0)
            throw new ProtocolSyntaxException(origin, 1, 1, text.Split('\n')[0].TrimEnd('\r'), "the protocol contains no steps");
        var block = new BlockParser(origin, lines);
        return new CyclingProtocol(origin, block.ParseAll());
    }

    /// <summary>Index one past the last character of the step content: before a <c>#</c> comment, trailing blanks trimmed.</summary>
    internal static int ContentEnd(string lineText)
    {
        int hash = lineText.IndexOf('#');
        int end = hash >= 0 ? hash : lineText.Length;
        while (end > 0 && char.IsWhiteSpace(lineText[end - 1])) end--;
        return end;
    }

    private static List<SourceLine> SplitLines(string text, string origin)
    {
        string[] raw = text.Split('\n');
        var lines = new List<SourceLine>();
        char? indentChar = null;
        for (int i = 0; i < raw.Length; i++)
        {
            string lineText = raw[i].TrimEnd('\r');
            int end = ContentEnd(lineText);
            int start = 0;
            while (start < end && (lineText[start] == ' ' || lineText[start] == '\t')) start++;
            if (start >= end) continue; // blank or comment-only
            for (int k = 0; k < start; k++)
            {
                indentChar ??= lineText[k];
                if (lineText[k] != indentChar)
                    throw new ProtocolSyntaxException(origin, i + 1, k + 1, lineText,
                        $"inconsistent indentation: the protocol indents with {(indentChar == ' ' ? "spaces" : "tabs")} but this line uses a {(lineText[k] == ' ' ? "space" : "tab")}");
            }
            lines.Add(new SourceLine(i + 1, lineText, start, end));
        }
        return lines;
    }
}

/// <summary>A non-blank protocol line: number, text, indentation width and content end (comment stripped).</summary>
internal sealed record SourceLine(int Number, string Text, int Indent, int End);
