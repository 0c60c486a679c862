namespace Twin.Data.Readers.Text;

/// <summary>Guesses the field delimiter of a header row: the most frequent of comma, tab and semicolon outside quotes.</summary>
internal static class DelimiterGuess
{
    public static byte FromHeader(ReadOnlySpan<byte> header)
    {
        int commas = 0, tabs = 0, semicolons = 0;
        bool quoted = false;
        foreach (byte b in header)
        {
            switch (b)
            {
                case (byte)'"': quoted = !quoted; break;
                case (byte)',' when !quoted: commas++; break;
                case (byte)'\t' when !quoted: tabs++; break;
                case (byte)';' when !quoted: semicolons++; break;
            }
        }

        if (tabs >= commas && tabs >= semicolons && tabs > 0)
        {
            return (byte)'\t';
        }

        return semicolons > commas ? (byte)';' : (byte)',';
    }
}
