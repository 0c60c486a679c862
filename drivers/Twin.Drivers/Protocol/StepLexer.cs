using System.Globalization;

namespace Twin.Drivers.Protocol;

/// <summary>Kinds of lexical token in a protocol line.</summary>
internal enum TokenKind
{
    /// <summary>A decimal number with optional sign, fraction and exponent.</summary>
    Number,
    /// <summary>Letters, underscores and (after the first) digits: keywords, units, c_Li.</summary>
    Word,
    /// <summary>A single punctuation character: / ( ) = : and anything unrecognised.</summary>
    Symbol,
    /// <summary>End of the step text.</summary>
    End,
}

/// <summary>A token with its position in the line.</summary>
/// <param name="Kind">Token kind.</param>
/// <param name="Text">Text as written.</param>
/// <param name="Start">0-based index of the first character in the line.</param>
/// <param name="Number">Value of a <see cref="TokenKind.Number"/> token (may be infinite on overflow).</param>
internal readonly record struct Token(TokenKind Kind, string Text, int Start, double Number)
{
    /// <summary>Lower-case text for case-insensitive comparisons.</summary>
    public string Lower => Text.ToLowerInvariant();

    /// <summary>Whether this is the word <paramref name="word"/> (lower case), ignoring case.</summary>
    public bool IsWord(string word) => Kind == TokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this is the symbol <paramref name="c"/>.</summary>
    public bool IsSymbol(char c) => Kind == TokenKind.Symbol && Text.Length == 1 && Text[0] == c;
}

/// <summary>Splits one protocol line (between given bounds) into tokens; never throws.</summary>
internal static class StepLexer
{
    /// <summary>Tokenises <paramref name="line"/>[<paramref name="start"/>..<paramref name="end"/>); the last token is <see cref="TokenKind.End"/>.</summary>
    public static List<Token> Tokenize(string line, int start, int end)
    {
        var tokens = new List<Token>();
        int i = start;
        while (i < end)
        {
            char c = line[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            int s = i;
            if (StartsUnsignedNumber(line, i, end)
                || ((c == '-' || c == '+') && i + 1 < end && StartsUnsignedNumber(line, i + 1, end)))
            {
                i = ScanNumber(line, i, end);
                string text = line[s..i];
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    value = double.NaN; // reported by the parser as "not a finite number".
                tokens.Add(new Token(TokenKind.Number, text, s, value));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < end && (char.IsLetterOrDigit(line[i]) || line[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Word, line[s..i], s, 0));
            }
            else
            {
                i++;
                tokens.Add(new Token(TokenKind.Symbol, line[s..i], s, 0));
            }
        }
        tokens.Add(new Token(TokenKind.End, "", end, 0));
        return tokens;
    }

    private static bool StartsUnsignedNumber(string line, int i, int end)
        => char.IsAsciiDigit(line[i]) || (line[i] == '.' && i + 1 < end && char.IsAsciiDigit(line[i + 1]));

    private static int ScanNumber(string line, int i, int end)
    {
        if (line[i] == '-' || line[i] == '+') i++;
        while (i < end && char.IsAsciiDigit(line[i])) i++;
        if (i < end && line[i] == '.')
        {
            i++;
            while (i < end && char.IsAsciiDigit(line[i])) i++;
        }
        // Exponent only when digits follow (so "2e" is not swallowed).
        if (i < end && (line[i] == 'e' || line[i] == 'E'))
        {
            int j = i + 1;
            if (j < end && (line[j] == '-' || line[j] == '+')) j++;
            if (j < end && char.IsAsciiDigit(line[j]))
            {
                i = j;
                while (i < end && char.IsAsciiDigit(line[i])) i++;
            }
        }
        return i;
    }
}
