namespace Twin.Drivers.Protocol;

/// <summary>Builds the loop structure of a protocol from its indented, non-blank lines.</summary>
internal sealed class BlockParser
{
    /// <summary>Deepest loop nesting accepted (keeps the recursive parser's stack bounded).</summary>
    public const int MaxNesting = 32;

    private readonly string _origin;
    private readonly List<SourceLine> _lines;
    private int _pos;

    /// <summary>Prepares to parse <paramref name="lines"/> (non-blank, indentation already checked for tab/space mixing).</summary>
    public BlockParser(string origin, List<SourceLine> lines)
    {
        _origin = origin;
        _lines = lines;
    }

    /// <summary>Parses every line into top-level nodes.</summary>
    /// <exception cref="ProtocolSyntaxException">Bad indentation, loop header or step.</exception>
    public List<ProtocolNode> ParseAll() => ParseBlock(0, []);

    private ProtocolSyntaxException Error(SourceLine line, int index, string reason)
        => new(_origin, line.Number, index + 1, line.Text, reason);

    private List<ProtocolNode> ParseBlock(int indent, List<int> enclosing)
    {
        var nodes = new List<ProtocolNode>();
        while (_pos < _lines.Count)
        {
            SourceLine line = _lines[_pos];
            if (line.Indent > indent)
                throw Error(line, indent, nodes.Count == 0 && indent == 0
                    ? "unexpected indentation: the first line of the protocol must not be indented"
                    : "unexpected indentation: only the block after a 'Repeat N times:' line is indented");
            if (line.Indent < indent)
            {
                if (enclosing.Contains(line.Indent)) break;
                throw Error(line, line.Indent, "unindent does not match any outer indentation level");
            }
            _pos++;
            if (IsLoopHeader(line))
            {
                int count = ParseLoopHeader(line);
                if (_pos >= _lines.Count || _lines[_pos].Indent <= indent)
                    throw Error(line, line.End, "loop without body: a more-indented block of steps must follow the loop header");
                if (enclosing.Count + 1 >= MaxNesting)
                    throw Error(line, line.Indent, $"loops nested deeper than {MaxNesting} levels are not supported");
                var inner = new List<int>(enclosing) { indent };
                List<ProtocolNode> body = ParseBlock(_lines[_pos].Indent, inner);
                nodes.Add(new ProtocolLoop(line.Number, count, body));
            }
            else
            {
                nodes.Add(StepParser.Parse(_origin, line.Number, line.Text, line.Indent, line.End));
            }
        }
        return nodes;
    }

    private static bool IsLoopHeader(SourceLine line)
    {
        List<Token> tokens = StepLexer.Tokenize(line.Text, line.Indent, line.End);
        return tokens[0].IsWord("repeat") || tokens[0].IsWord("cycle");
    }

    private int ParseLoopHeader(SourceLine line)
    {
        List<Token> t = StepLexer.Tokenize(line.Text, line.Indent, line.End);
        Token count = t[1];
        if (count.Kind != TokenKind.Number)
            throw Error(line, count.Start, $"expected a repeat count after '{t[0].Text}' (as in 'Repeat 3 times:')");
        if (!double.IsFinite(count.Number) || count.Number != Math.Floor(count.Number) || count.Text.Contains('.') || count.Text.Contains('e') || count.Text.Contains('E'))
            throw Error(line, count.Start, $"repeat count must be a whole number, got '{count.Text}'");
        if (count.Number < 1)
            throw Error(line, count.Start, $"repeat count must be at least 1, got '{count.Text}'");
        if (count.Number > int.MaxValue)
            throw Error(line, count.Start, $"repeat count '{count.Text}' is too large");
        Token times = t[2];
        if (!times.IsWord("times") && !times.IsWord("time"))
            throw Error(line, times.Start, "expected 'times' after the repeat count (as in 'Repeat 3 times:')");
        Token colon = t[3];
        if (!colon.IsSymbol(':'))
            throw Error(line, colon.Start, "expected ':' at the end of the loop header");
        if (t[4].Kind != TokenKind.End)
            throw Error(line, t[4].Start, "unexpected text after the loop header: put the steps of the loop on the following, more-indented lines");
        return (int)count.Number;
    }
}
