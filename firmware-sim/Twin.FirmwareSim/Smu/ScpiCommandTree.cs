namespace Twin.FirmwareSim.Smu;

/// <summary>
/// A SCPI header pattern (IEEE 488.2 / SCPI-99 §6): nodes separated by ':', each matched case-insensitively by its
/// short form (the upper-case letters of the pattern) or its long form; a node in brackets may be omitted
/// (<c>[LEVel]</c>); a node ending in '#' accepts the numeric suffix 1 (<c>SOURce#</c> matches SOUR and SOUR1).
/// Example: <c>SOURce#:CURRent:VLIMit:[LEVel]</c> matches <c>:sour:curr:vlim</c> and <c>SOURCE1:CURRENT:VLIMIT:LEVEL</c>.
/// </summary>
public sealed class ScpiHeaderPattern
{
    private readonly Node[] _nodes;

    private readonly record struct Node(string Short, string Long, bool Optional, bool Suffix);

    /// <summary>Parses a pattern.</summary>
    /// <param name="pattern">The pattern text (without '?'; a leading ':' is ignored).</param>
    /// <exception cref="ArgumentException">Empty pattern or a node without an upper-case short form.</exception>
    public ScpiHeaderPattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Text = pattern;
        var nodes = new List<Node>();
        foreach (string raw in pattern.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string token = raw;
            bool optional = token.StartsWith('[') && token.EndsWith(']');
            if (optional) token = token[1..^1];
            bool suffix = token.EndsWith('#');
            if (suffix) token = token[..^1];
            int shortLength = 0;
            while (shortLength < token.Length && (char.IsUpper(token[shortLength]) || token[shortLength] == '*')) shortLength++;
            if (shortLength == 0) throw new ArgumentException($"node '{raw}' of pattern '{pattern}' has no upper-case short form", nameof(pattern));
            nodes.Add(new Node(token[..shortLength], token.ToUpperInvariant(), optional, suffix));
        }
        if (nodes.Count == 0) throw new ArgumentException($"pattern '{pattern}' has no nodes", nameof(pattern));
        _nodes = [.. nodes];
    }

    /// <summary>The pattern text.</summary>
    public string Text { get; }

    /// <summary>Whether a received header (no '?', leading ':' allowed) matches.</summary>
    /// <param name="header">The header, e.g. <c>:SOUR:CURR:VLIM</c>.</param>
    /// <returns>True on a match.</returns>
    public bool Matches(string header)
    {
        string[] parts = header.Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || header.EndsWith(':') || header.Contains("::", StringComparison.Ordinal)) return false;
        return Match(0, parts, 0);
    }

    private bool Match(int p, string[] parts, int h)
    {
        if (p == _nodes.Length) return h == parts.Length;
        var node = _nodes[p];
        if (h < parts.Length && NodeMatches(node, parts[h]) && Match(p + 1, parts, h + 1)) return true;
        return node.Optional && Match(p + 1, parts, h);
    }

    private static bool NodeMatches(Node node, string text)
    {
        int end = text.Length;
        if (node.Suffix)
        {
            while (end > 0 && char.IsAsciiDigit(text[end - 1])) end--;
            if (end < text.Length && text[end..] != "1") return false;
        }
        var mnemonic = text.AsSpan(0, end);
        return mnemonic.Equals(node.Short, StringComparison.OrdinalIgnoreCase) || mnemonic.Equals(node.Long, StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>One program message unit: header, query flag and parameters (quotes kept).</summary>
/// <param name="Header">Header as received, without '?', with the SCPI path applied (always starts with ':' or '*').</param>
/// <param name="IsQuery">Whether the header ended with '?'.</param>
/// <param name="Parameters">Comma-separated parameters, trimmed, quotes kept.</param>
/// <param name="Text">The unit as received.</param>
public sealed record ScpiUnit(string Header, bool IsQuery, IReadOnlyList<string> Parameters, string Text);

/// <summary>Splits a SCPI program message (one line) into units.</summary>
public static class ScpiProgramParser
{
    /// <summary>
    /// Splits on ';' outside quotes. Per SCPI-99 §6.2.4 a header after ';' without a leading ':' continues the path
    /// of the previous unit; the parser offers that form first and the absolute form as a fallback (many drivers
    /// write <c>SOUR:FUNC CURR;SOUR:CURR 1</c>), see <paramref name="alternative"/>.
    /// </summary>
    /// <param name="line">The received line.</param>
    /// <param name="alternative">For each unit, the absolute form to try if the path-relative one is undefined (or null).</param>
    /// <returns>The units, in order.</returns>
    public static IReadOnlyList<ScpiUnit> Parse(string line, out IReadOnlyList<ScpiUnit?> alternative)
    {
        var units = new List<ScpiUnit>();
        var alternatives = new List<ScpiUnit?>();
        string path = "";
        foreach (string raw in SplitOutsideQuotes(line, ';'))
        {
            string text = raw.Trim();
            if (text.Length == 0) continue;
            int space = text.IndexOfAny([' ', '\t']);
            string header = space < 0 ? text : text[..space];
            string rest = space < 0 ? "" : text[(space + 1)..].Trim();
            bool query = header.EndsWith('?');
            if (query) header = header[..^1];
            var parameters = rest.Length == 0 ? (IReadOnlyList<string>)[] : [.. SplitOutsideQuotes(rest, ',').Select(p => p.Trim())];
            ScpiUnit? alt = null;
            string absolute;
            if (header.StartsWith('*') || header.StartsWith(':'))
            {
                absolute = header;
            }
            else if (path.Length > 0)
            {
                absolute = path + ":" + header;
                alt = new ScpiUnit(":" + header, query, parameters, text);
            }
            else
            {
                absolute = ":" + header;
            }
            if (!absolute.StartsWith('*'))
            {
                int last = absolute.LastIndexOf(':');
                path = last > 0 ? absolute[..last] : "";
            }
            units.Add(new ScpiUnit(absolute, query, parameters, text));
            alternatives.Add(alt);
        }
        alternative = alternatives;
        return units;
    }

    /// <summary>Splits text on a separator that is not inside single or double quotes.</summary>
    /// <param name="text">The text.</param>
    /// <param name="separator">The separator.</param>
    /// <returns>The pieces (untrimmed).</returns>
    public static IEnumerable<string> SplitOutsideQuotes(string text, char separator)
    {
        int start = 0;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    /// <summary>Removes one pair of surrounding single or double quotes.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <returns>The unquoted text.</returns>
    public static string Unquote(string parameter) =>
        parameter.Length >= 2 && (parameter[0] is '"' or '\'') && parameter[^1] == parameter[0] ? parameter[1..^1] : parameter;
}
