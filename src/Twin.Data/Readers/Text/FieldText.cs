using System.Text;

namespace Twin.Data.Readers.Text;

/// <summary>Small helpers for field bytes: trimming, decoding for messages, case-insensitive comparison.</summary>
internal static class FieldText
{
    /// <summary>Removes ASCII spaces and tabs at both ends.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> field)
    {
        int start = 0;
        int end = field.Length;
        while (start < end && IsBlank(field[start]))
        {
            start++;
        }

        while (end > start && IsBlank(field[end - 1]))
        {
            end--;
        }

        return field[start..end];
    }

    /// <summary>True when the line holds nothing but blanks and delimiters (an empty row).</summary>
    public static bool IsEmptyRow(ReadOnlySpan<byte> line, byte delimiter)
    {
        foreach (byte b in line)
        {
            if (!IsBlank(b) && b != delimiter)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes a field for a header name or an error message; doubled quotes become one.</summary>
    public static string Unescape(ReadOnlySpan<byte> field)
    {
        string text = Encoding.UTF8.GetString(field);
        return text.Contains("\"\"", StringComparison.Ordinal) ? text.Replace("\"\"", "\"", StringComparison.Ordinal) : text;
    }

    /// <summary>Decodes a field for an error message, shortened to a readable length.</summary>
    public static string ForMessage(ReadOnlySpan<byte> field)
    {
        const int max = 60;
        string text = Encoding.UTF8.GetString(field.Length > max ? field[..max] : field);
        return field.Length > max ? text + "..." : text;
    }

    /// <summary>ASCII case-insensitive equality of trimmed field bytes with an ASCII/UTF-8 literal.</summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> field, ReadOnlySpan<byte> literal) =>
        System.Text.Ascii.EqualsIgnoreCase(field, literal);

    /// <summary>ASCII case-insensitive containment of <paramref name="literal"/> in <paramref name="field"/>.</summary>
    public static bool ContainsIgnoreCase(ReadOnlySpan<byte> field, ReadOnlySpan<byte> literal)
    {
        for (int i = 0; i + literal.Length <= field.Length; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(field.Slice(i, literal.Length), literal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBlank(byte b) => b == (byte)' ' || b == (byte)'\t';
}
