using System.Globalization;
using Twin.Data.Readers.Diffraction;

namespace Twin.Cli.Replay;

/// <summary>
/// The acquisition time of an integrated pattern from its header: <c>start_unix_ns</c> and <c>end_unix_ns</c> (the
/// keys the diffractometer driver and the simulator write; one of them alone is taken as the mid-exposure time).
/// Reads only the <c>#</c> lines before the data.
/// </summary>
internal static class PatternClock
{
    /// <summary>Mid-exposure time in nanoseconds since the Unix epoch.</summary>
    /// <param name="path">The pattern file.</param>
    /// <returns>The time, or null when the header carries neither key.</returns>
    /// <exception cref="DiffractionFileException">A key whose value is not an integer, or an end before the start.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static long? MidUnixNs(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        long? start = null, end = null;
        int startLine = 0, lineNo = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var t = line.AsSpan().Trim();
            if (t.IsEmpty) continue;
            if (t[0] != '#') break;
            string text = t.TrimStart('#').Trim().ToString();
            int colon = text.IndexOf(':');
            if (colon <= 0) continue;
            string key = text[..colon].Trim(), value = text[(colon + 1)..].Trim();
            if (key.Equals("start_unix_ns", StringComparison.OrdinalIgnoreCase)) (start, startLine) = (Integer(value, key, path, lineNo), lineNo);
            else if (key.Equals("end_unix_ns", StringComparison.OrdinalIgnoreCase))
            {
                end = Integer(value, key, path, lineNo);
                if (start is { } s && end < s)
                    throw new DiffractionFileException(path, lineNo, string.Create(CultureInfo.InvariantCulture,
                        $"expected end_unix_ns at or after start_unix_ns {s} (line {startLine}), found {end}"));
            }
        }
        return (start, end) switch
        {
            ({ } s, { } e) => s + (e - s) / 2,
            ({ } s, null) => s,
            (null, { } e) => e,
            _ => null,
        };
    }

    private static long Integer(string value, string key, string path, int lineNo) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new DiffractionFileException(path, lineNo, $"expected {key}: an integer number of nanoseconds since 1970-01-01 UTC, found '{value}'");
}
