using System.Globalization;

namespace Twin.Cli.Commands;

/// <summary>Sizes in bytes as options take them: a whole number with an optional binary suffix (k = 1024).</summary>
internal static class ByteSize
{
    /// <summary>
    /// Parses <c>1073741824</c>, <c>512k</c>, <c>256M</c>, <c>1G</c> (also <c>KiB</c>, <c>MiB</c>, <c>GiB</c>, <c>T</c>;
    /// case-insensitive; k = 1024).
    /// </summary>
    /// <param name="text">The option value.</param>
    /// <param name="option">Option name, for the message.</param>
    /// <returns>The size in bytes.</returns>
    /// <exception cref="FormatException">Not a size; the message names the option and the expected form.</exception>
    public static long Parse(string text, string option)
    {
        string t = text.Trim();
        int digits = 0;
        while (digits < t.Length && char.IsAsciiDigit(t[digits])) digits++;
        string suffix = t[digits..].Trim().ToLowerInvariant();
        int shift = suffix switch
        {
            "" or "b" => 0,
            "k" or "kb" or "kib" => 10,
            "m" or "mb" or "mib" => 20,
            "g" or "gb" or "gib" => 30,
            "t" or "tb" or "tib" => 40,
            _ => -1,
        };
        if (digits == 0 || shift < 0 || !long.TryParse(t.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ||
            n > long.MaxValue >> shift)
            throw new FormatException($"{option} '{text}': expected a size in bytes, e.g. 1073741824, 512M or 1G (k, M, G, T = 1024, 1024², …)");
        return n << shift;
    }
}
