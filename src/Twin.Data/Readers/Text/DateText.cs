using System.Globalization;

namespace Twin.Data.Readers.Text;

/// <summary>
/// Parses the wall-clock timestamps cyclers write. Files carry no time zone, so results are returned with
/// offset zero (the local time of the instrument, labelled as UTC). Numeric dates with slashes are read
/// month first (US order), as Maccor, Arbin and EC-Lab write them by default.
/// </summary>
internal static class DateText
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy/MM/dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd H:mm:ss.FFFFFFF",
        "yyyy/M/d H:mm:ss.FFFFFFF",
        "M/d/yyyy H:mm:ss.FFFFFFF",
        "M/d/yyyy h:mm:ss.FFFFFFF tt",
        "M/d/yyyy h:mm:ss tt",
        "M/d/yyyy H:mm",
        "d MMMM yyyy, h:mm:ss tt",
        "d MMMM yyyy, H:mm:ss",
        "d MMMM yyyy h:mm:ss tt",
        "dddd, MMMM d, yyyy h:mm:ss tt",
    ];

    /// <summary>Parses a timestamp; null when the text is not one of the known forms.</summary>
    public static DateTimeOffset? TryParse(string text)
    {
        text = text.Trim().Trim('"').Trim();
        if (DateTime.TryParseExact(text, Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces, out DateTime exact))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(exact, DateTimeKind.Unspecified), TimeSpan.Zero);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out DateTimeOffset loose))
        {
            return loose;
        }

        return null;
    }

    /// <summary>Parses a field holding a timestamp (see <see cref="TryParse(string)"/>).</summary>
    public static DateTimeOffset? TryParse(ReadOnlySpan<byte> field) => TryParse(FieldText.Unescape(field));

    /// <summary>
    /// Parses "yyyy-MM-dd HH:mm:ss[.fff]" (also with '/' or 'T') into ticks without allocating, for files
    /// whose only clock is an absolute timestamp per row.
    /// </summary>
    public static bool TryParseIsoTicks(ReadOnlySpan<byte> field, out long ticks)
    {
        ticks = 0;
        ReadOnlySpan<byte> s = FieldText.Trim(field);
        if (s.Length < 19 || (s[4] != (byte)'-' && s[4] != (byte)'/') || s[7] != s[4]
            || (s[10] != (byte)' ' && s[10] != (byte)'T') || s[13] != (byte)':' || s[16] != (byte)':')
        {
            return false;
        }

        if (!Digits(s[..4], out int year) || !Digits(s[5..7], out int month) || !Digits(s[8..10], out int day)
            || !Digits(s[11..13], out int hour) || !Digits(s[14..16], out int minute)
            || !NumberText.TryParseDouble(s[17..], false, out double second))
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second is < 0 or >= 61)
        {
            return false;
        }

        ticks = new DateTime(year, month, day, hour, minute, 0).Ticks + (long)Math.Round(second * TimeSpan.TicksPerSecond);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (byte b in s)
        {
            uint d = (uint)(b - (byte)'0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }
}
