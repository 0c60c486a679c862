using System.Text;

namespace Twin.Data.Readers;

/// <summary>
/// Recognises the binary files cycler software writes beside (or instead of) its text exports, from their first
/// bytes, so that they are named in an error instead of being parsed as text. (EC-Lab's <c>.mpr</c>, which starts with
/// <c>BIO-LOGIC MODULAR FILE</c>, and Neware's <c>.ndax</c>, a ZIP archive, are read: see <c>BioLogic/Mpr</c> and
/// <c>Neware/Ndax</c>.) Signatures from the formats' public descriptions: Neware <c>.nda</c> starts with
/// <c>NEWARE</c>; an Arbin <c>.res</c> is a Microsoft Access (Jet) database, whose page 0 names <c>Standard Jet DB</c>
/// (or <c>Standard ACE DB</c>) at byte 4.
/// </summary>
public static class BinaryExports
{
    /// <summary>Why a file is not a text export this project reads, or null when its first bytes look like text.</summary>
    /// <param name="head">The first bytes of the file (a few hundred are enough).</param>
    /// <returns>One sentence naming the format and what to export instead; null for text.</returns>
    public static string? Describe(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("NEWARE"u8))
            return "this is a binary Neware .nda file, which this version does not read: export it from Neware BTS as CSV (Export → CSV) and replay the CSV";
        if (head.Length >= 19 && (head[4..19].SequenceEqual("Standard Jet DB"u8) || head[4..19].SequenceEqual("Standard ACE DB"u8)))
            return "this is a Microsoft Access database (an Arbin .res result file is one), which this version does not read: export the test from Arbin's Data Watcher or MITS Pro as CSV and replay the CSV";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return "this is UTF-16 text, which the readers do not take: save the export as UTF-8 (or the cycler's default ANSI/ASCII) and replay that";
        int n = Math.Min(head.Length, 4096);
        for (int i = 0; i < n; i++)
        {
            if (head[i] == 0)
                return $"this is a binary file (a NUL byte at offset {i}), not a text export: export the test as text (CSV or the cycler's ASCII export) and replay that";
        }
        return null;
    }

    /// <summary>A printable rendering of a text fragment for an error message: control characters as \xNN, at most <paramref name="max"/> characters.</summary>
    /// <param name="text">The fragment.</param>
    /// <param name="max">Most characters kept.</param>
    /// <returns>The rendering, with "..." when cut.</returns>
    public static string Printable(string text, int max = 120)
    {
        var sb = new StringBuilder(Math.Min(text.Length, max) + 8);
        foreach (char c in text)
        {
            if (sb.Length >= max)
            {
                sb.Append("...");
                break;
            }
            if (char.IsControl(c) && c != '\t') sb.Append($"\\x{(int)c:X2}");
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
