using System.Text;

namespace Twin.Storage.LineProtocol;

/// <summary>
/// The naming and value rules of the InfluxDB line protocol reference that the encoder relies on, and the
/// description of a point used in error messages.
/// </summary>
public static class LineProtocolRules
{
    /// <summary>Smallest timestamp InfluxDB accepts: -9223372036854775806 ns (1677-09-21T00:12:43.145224194Z).</summary>
    public const long MinTimestampNs = -9223372036854775806L;

    /// <summary>Largest timestamp InfluxDB accepts: 9223372036854775806 ns (2262-04-11T23:47:16.854775806Z).</summary>
    public const long MaxTimestampNs = 9223372036854775806L;

    /// <summary>
    /// Keys InfluxDB refuses as tag or field keys: <c>time</c> (1.x answers "partial write: invalid tag key/field
    /// name") and the reserved <c>_measurement</c> and <c>_field</c>.
    /// </summary>
    public static IReadOnlyList<string> ReservedKeys => Reserved;

    private static readonly string[] Reserved = ["time", "_measurement", "_field"];

    /// <summary>Nanoseconds since the Unix epoch of a UTC instant (100 ns resolution of <see cref="DateTimeOffset"/>).</summary>
    /// <param name="time">The instant.</param>
    /// <returns>ns since 1970-01-01T00:00:00Z.</returns>
    public static long ToUnixNanoseconds(DateTimeOffset time) =>
        checked((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100L);

    /// <summary>The instant of a timestamp in ns since the Unix epoch (truncated to 100 ns ticks).</summary>
    /// <param name="unixNanoseconds">ns since 1970-01-01T00:00:00Z.</param>
    /// <returns>The UTC instant.</returns>
    public static DateTimeOffset FromUnixNanoseconds(long unixNanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(Math.DivRem(unixNanoseconds, 100L, out long r) - (r < 0 ? 1 : 0));

    /// <summary>
    /// Describes a point for error messages as <c>measurement,tag=value,…</c> (unescaped, shortened to about
    /// 200 characters).
    /// </summary>
    /// <param name="measurement">Measurement name (may be null or empty).</param>
    /// <param name="tags">Tags (may be null).</param>
    public static string Describe(string? measurement, IEnumerable<KeyValuePair<string, string>>? tags)
    {
        var sb = new StringBuilder(64);
        sb.Append(string.IsNullOrEmpty(measurement) ? "<no measurement>" : measurement);
        if (tags is not null)
        {
            foreach (var (k, v) in tags)
            {
                sb.Append(',').Append(k).Append('=').Append(v);
                if (sb.Length > 200)
                {
                    break;
                }
            }
        }
        if (sb.Length > 200)
        {
            sb.Length = 200;
            sb.Append('…');
        }
        return sb.ToString();
    }

    /// <summary>Checks a measurement name; returns why it cannot be written, or null when it can.</summary>
    /// <param name="name">The name.</param>
    public static string? CheckMeasurement(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the measurement name is empty (line protocol requires one)";
        }
        if (name[0] == '#')
        {
            return "the measurement name starts with '#', which line protocol reads as a comment line";
        }
        return CheckName(name, "measurement name", null, MeasurementSpecials);
    }

    /// <summary>Checks a tag key; returns why it cannot be written, or null when it can.</summary>
    /// <param name="key">The key.</param>
    public static string? CheckTagKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "a tag key is empty";
        }
        if (IsReserved(key))
        {
            return $"tag key '{key}' is reserved by InfluxDB";
        }
        return CheckName(key, "tag key '{0}'", key, KeySpecials);
    }

    /// <summary>
    /// Checks a non-empty tag value; returns why it cannot be written, or null when it can. (Empty tag values are
    /// not an error: per the reference the tag is omitted.)
    /// </summary>
    /// <param name="key">The tag key (for the message).</param>
    /// <param name="value">The value.</param>
    public static string? CheckTagValue(string key, string? value)
    {
        if (value is null)
        {
            return $"tag '{key}' has a null value";
        }
        return value.Length == 0 ? null : CheckName(value, "the value of tag '{0}'", key, KeySpecials);
    }

    /// <summary>Checks a field key; returns why it cannot be written, or null when it can.</summary>
    /// <param name="key">The key.</param>
    public static string? CheckFieldKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "a field key is empty";
        }
        if (IsReserved(key))
        {
            return $"field key '{key}' is reserved by InfluxDB";
        }
        return CheckName(key, "field key '{0}'", key, FieldKeySpecials);
    }

    /// <summary>Checks a field's value; returns why it cannot be written, or null when it can.</summary>
    /// <param name="field">The field.</param>
    public static string? CheckFieldValue(in LineField field)
    {
        switch (field.Type)
        {
            case LineFieldType.Float:
                double d = field.FloatValue;
                if (double.IsNaN(d))
                {
                    return $"field '{field.Key}' is NaN; line protocol floats must be finite (no NaN or ±Infinity)";
                }
                if (double.IsInfinity(d))
                {
                    return $"field '{field.Key}' is {(d > 0 ? "+" : "-")}Infinity; line protocol floats must be finite (no NaN or ±Infinity)";
                }
                return null;
            case LineFieldType.String:
                string? s = field.RawString;
                if (s is null)
                {
                    return $"string field '{field.Key}' is null";
                }
                if (s.AsSpan().IndexOfAny('\n', '\r') >= 0)
                {
                    return $"string field '{field.Key}' contains a newline, which line protocol does not support in field values";
                }
                if (!IsValidUtf16(s))
                {
                    return $"string field '{field.Key}' contains an unpaired UTF-16 surrogate and cannot be encoded as UTF-8";
                }
                return null;
            case LineFieldType.Integer:
            case LineFieldType.UnsignedInteger:
            case LineFieldType.Boolean:
                return null;
            default:
                return $"field '{field.Key}' has unknown type {(int)field.Type}";
        }
    }

    internal static readonly char[] MeasurementSpecials = [',', ' '];
    internal static readonly char[] KeySpecials = [',', '=', ' '];
    internal static readonly char[] FieldKeySpecials = [',', '=', ' ', '"'];

    private static bool IsReserved(string key)
    {
        foreach (string r in Reserved)
        {
            if (string.Equals(r, key, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    // Rules shared by measurement names, tag keys, tag values and field keys. InfluxDB reads a backslash as
    // literal unless it precedes a character the element escapes, so a name ending in a backslash or with a
    // backslash right before such a character has no encoding that reads back the same: refuse it. What the name is
    // (`what`, with {0} for `key`) is put into words only for an error: a valid name costs no allocation.
    private static string? CheckName(string name, string what, string? key, char[] specials)
    {
        if (name.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            return $"{Name(what, key)} contains a newline, which line protocol does not support";
        }
        if (!IsValidUtf16(name))
        {
            return $"{Name(what, key)} contains an unpaired UTF-16 surrogate and cannot be encoded as UTF-8";
        }
        int i = name.IndexOf('\\');
        while (i >= 0)
        {
            if (i == name.Length - 1)
            {
                return $"{Name(what, key)} ends with a backslash, which line protocol cannot represent";
            }
            if (Array.IndexOf(specials, name[i + 1]) >= 0)
            {
                return $"{Name(what, key)} has a backslash before '{name[i + 1]}', which line protocol cannot represent";
            }
            i = name.IndexOf('\\', i + 1);
        }
        return null;
    }

    private static string Name(string what, string? key) => key is null ? what : string.Format(System.Globalization.CultureInfo.InvariantCulture, what, key);

    internal static bool IsValidUtf16(string s)
    {
        var span = s.AsSpan();
        int i = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return true;
        }
        for (; i < span.Length; i++)
        {
            char c = span[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= span.Length || !char.IsLowSurrogate(span[i + 1]))
                {
                    return false;
                }
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }
}
