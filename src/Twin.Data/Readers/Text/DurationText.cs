namespace Twin.Data.Readers.Text;

/// <summary>
/// Parses elapsed-time fields into seconds, without allocating. Accepts what cyclers write:
/// plain seconds (<c>3600.5</c>), clock form (<c>26:03:04</c>, <c>0:00:10.000</c>, <c>03:04</c>), and a
/// day prefix (<c>1d 02:18:47.41</c> as Maccor writes it, or <c>1-02:18:47</c>).
/// </summary>
internal static class DurationText
{
    /// <summary>Parses <paramref name="field"/> into seconds; false when it is not an elapsed time.</summary>
    public static bool TryParseSeconds(ReadOnlySpan<byte> field, bool decimalComma, out double seconds)
    {
        seconds = 0;
        ReadOnlySpan<byte> s = FieldText.Trim(field);
        if (s.IndexOf((byte)':') < 0)
        {
            return NumberText.TryParseDouble(s, decimalComma, out seconds) && seconds >= 0;
        }

        double total = 0;
        int dayMark = s.IndexOfAny((byte)'d', (byte)'-');
        if (dayMark >= 0)
        {
            if (!NumberText.TryParseInt(s[..dayMark], false, out int days) || days < 0)
            {
                return false;
            }

            total = days * 86400.0;
            s = FieldText.Trim(s[(dayMark + 1)..]);
        }

        // Split into up to three clock parts: [hours:]minutes:seconds.
        int first = s.IndexOf((byte)':');
        int second = first < 0 ? -1 : s[(first + 1)..].IndexOf((byte)':');
        double hours = 0;
        double minutes;
        ReadOnlySpan<byte> secondsPart;
        if (second >= 0)
        {
            second += first + 1;
            if (!NumberText.TryParseInt(s[..first], false, out int h) || !NumberText.TryParseInt(s[(first + 1)..second], false, out int m))
            {
                return false;
            }

            hours = h;
            minutes = m;
            secondsPart = s[(second + 1)..];
        }
        else
        {
            if (!NumberText.TryParseInt(s[..first], false, out int m))
            {
                return false;
            }

            minutes = m;
            secondsPart = s[(first + 1)..];
        }

        if (hours < 0 || minutes < 0 || !NumberText.TryParseDouble(secondsPart, decimalComma, out double sec) || sec < 0)
        {
            return false;
        }

        seconds = total + (hours * 3600.0) + (minutes * 60.0) + sec;
        return true;
    }
}
