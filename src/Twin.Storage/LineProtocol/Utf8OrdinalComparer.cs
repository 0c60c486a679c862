namespace Twin.Storage.LineProtocol;

/// <summary>
/// Orders strings by their UTF-8 bytes (equivalently, by Unicode code points), the order of Go's
/// <c>bytes.Compare</c> that the line protocol reference recommends for tag keys. Differs from
/// <see cref="StringComparer.Ordinal"/> only for characters above U+FFFF versus U+E000–U+FFFF.
/// </summary>
public sealed class Utf8OrdinalComparer : IComparer<string>
{
    /// <summary>The comparer.</summary>
    public static Utf8OrdinalComparer Instance { get; } = new();

    private Utf8OrdinalComparer()
    {
    }

    /// <inheritdoc/>
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        if (y is null)
        {
            return 1;
        }
        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            char a = x[i], b = y[i];
            if (a != b)
            {
                return Fix(a) - Fix(b);
            }
        }
        return x.Length - y.Length;
    }

    // Moves surrogates (U+D800–U+DFFF, i.e. code points above U+FFFF) after U+E000–U+FFFF.
    private static int Fix(char c) => c < '\uD800' ? c : c >= '\uE000' ? c - 0x800 : c + 0x2000;
}
