using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;

namespace Twin.Storage.LineProtocol;

/// <summary>
/// One InfluxDB point: measurement, tag set (sorted by key in UTF-8 byte order, as the line protocol reference
/// recommends), field set (in the given order) and a timestamp in nanoseconds since the Unix epoch (UTC).
/// Immutable and validated on construction, so every point can be encoded.
/// </summary>
public sealed class LinePoint
{
    private readonly KeyValuePair<string, string>[] _tags;
    private readonly LineField[] _fields;

    /// <summary>Creates a point without tags.</summary>
    /// <param name="measurement">Measurement name.</param>
    /// <param name="fields">At least one field.</param>
    /// <param name="timestampNs">ns since 1970-01-01T00:00:00Z.</param>
    /// <exception cref="ArgumentException">See <see cref="LinePoint(string, IEnumerable{KeyValuePair{string, string}}?, IEnumerable{LineField}, long)"/>.</exception>
    public LinePoint(string measurement, IEnumerable<LineField> fields, long timestampNs)
        : this(measurement, null, fields, timestampNs)
    {
    }

    /// <summary>Creates and validates a point.</summary>
    /// <param name="measurement">Measurement name: not empty, must not start with <c>#</c>.</param>
    /// <param name="tags">Tags (may be null). Tags with an empty value are omitted (line protocol reference:
    /// "tag values cannot be empty; instead, omit the tag"). Keys must be unique.</param>
    /// <param name="fields">At least one field; keys unique; floats finite; strings without newlines.</param>
    /// <param name="timestampNs">ns since 1970-01-01T00:00:00Z, within
    /// [<see cref="LineProtocolRules.MinTimestampNs"/>, <see cref="LineProtocolRules.MaxTimestampNs"/>].</param>
    /// <exception cref="ArgumentException">The point breaks a line-protocol rule: empty measurement, empty or
    /// reserved (<c>time</c>) key, duplicate key, no fields, NaN/±Infinity, newline, unpaired surrogate, a
    /// backslash that cannot be represented, or a timestamp out of range. The message names the point
    /// (measurement and tags) and the offending field or tag.</exception>
    public LinePoint(string measurement, IEnumerable<KeyValuePair<string, string>>? tags, IEnumerable<LineField> fields, long timestampNs)
    {
        ArgumentNullException.ThrowIfNull(fields);
        KeyValuePair<string, string>[] tagArray = tags is null ? [] : [.. tags];
        string? problem = LineProtocolRules.CheckMeasurement(measurement);
        if (problem is not null)
        {
            throw Invalid(measurement, tagArray, problem, nameof(measurement));
        }

        int kept = 0;
        for (int i = 0; i < tagArray.Length; i++)
        {
            var (k, v) = tagArray[i];
            problem = LineProtocolRules.CheckTagKey(k) ?? LineProtocolRules.CheckTagValue(k, v);
            if (problem is not null)
            {
                throw Invalid(measurement, tagArray, problem, nameof(tags));
            }
            if (v.Length > 0)
            {
                tagArray[kept++] = tagArray[i];
            }
        }
        if (kept != tagArray.Length)
        {
            Array.Resize(ref tagArray, kept);
        }
        if (tagArray.Length > 1)
        {
            Array.Sort(tagArray, static (a, b) => Utf8OrdinalComparer.Instance.Compare(a.Key, b.Key));
            for (int i = 1; i < tagArray.Length; i++)
            {
                if (string.Equals(tagArray[i - 1].Key, tagArray[i].Key, StringComparison.Ordinal))
                {
                    throw Invalid(measurement, tagArray, $"tag key '{tagArray[i].Key}' appears more than once", nameof(tags));
                }
            }
        }

        LineField[] fieldArray = [.. fields];
        if (fieldArray.Length == 0)
        {
            throw Invalid(measurement, tagArray, "the point has no fields (line protocol requires at least one)", nameof(fields));
        }
        for (int i = 0; i < fieldArray.Length; i++)
        {
            problem = LineProtocolRules.CheckFieldKey(fieldArray[i].Key) ?? LineProtocolRules.CheckFieldValue(fieldArray[i]);
            if (problem is not null)
            {
                throw Invalid(measurement, tagArray, problem, nameof(fields));
            }
            for (int j = 0; j < i; j++)
            {
                if (string.Equals(fieldArray[j].Key, fieldArray[i].Key, StringComparison.Ordinal))
                {
                    throw Invalid(measurement, tagArray, $"field key '{fieldArray[i].Key}' appears more than once", nameof(fields));
                }
            }
        }

        if (timestampNs < LineProtocolRules.MinTimestampNs || timestampNs > LineProtocolRules.MaxTimestampNs)
        {
            throw Invalid(measurement, tagArray,
                $"timestamp {timestampNs} ns is outside InfluxDB's range [{LineProtocolRules.MinTimestampNs}, {LineProtocolRules.MaxTimestampNs}]",
                nameof(timestampNs));
        }

        Measurement = measurement;
        _tags = tagArray;
        _fields = fieldArray;
        TimestampNs = timestampNs;
    }

    /// <summary>Measurement name.</summary>
    public string Measurement { get; }

    /// <summary>Tags sorted by key in UTF-8 byte order; never contains empty values.</summary>
    public ImmutableArray<KeyValuePair<string, string>> Tags => ImmutableCollectionsMarshal.AsImmutableArray(_tags);

    /// <summary>Fields in the order given.</summary>
    public ImmutableArray<LineField> Fields => ImmutableCollectionsMarshal.AsImmutableArray(_fields);

    /// <summary>Timestamp in nanoseconds since 1970-01-01T00:00:00Z.</summary>
    public long TimestampNs { get; }

    /// <summary>The timestamp as a UTC instant (truncated to 100 ns).</summary>
    public DateTimeOffset Timestamp => LineProtocolRules.FromUnixNanoseconds(TimestampNs);

    internal KeyValuePair<string, string>[] TagArray => _tags;

    internal LineField[] FieldArray => _fields;

    /// <summary>Starts building a point.</summary>
    /// <param name="measurement">Measurement name.</param>
    public static LinePointBuilder Builder(string measurement) => new(measurement);

    /// <summary>Value of a tag, or null when the point has no such tag.</summary>
    /// <param name="key">Tag key.</param>
    public string? GetTag(string key)
    {
        foreach (var (k, v) in _tags)
        {
            if (string.Equals(k, key, StringComparison.Ordinal))
            {
                return v;
            }
        }
        return null;
    }

    /// <summary>The field with <paramref name="key"/>, or null.</summary>
    /// <param name="key">Field key.</param>
    public LineField? GetField(string key)
    {
        foreach (var f in _fields)
        {
            if (string.Equals(f.Key, key, StringComparison.Ordinal))
            {
                return f;
            }
        }
        return null;
    }

    /// <summary>The point as one line of line protocol at nanosecond precision, without the trailing newline.</summary>
    /// <exception cref="ArgumentException">The point has an unsigned field (see <see cref="LineProtocolOptions.AllowUnsigned"/>); use <see cref="LineProtocolEncoder"/>.</exception>
    public override string ToString()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        new LineProtocolEncoder(new LineProtocolOptions { AllowUnsigned = true }).Encode(this, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan[..^1]);
    }

    /// <summary>Describes the point as <c>measurement,tag=value,…</c> for messages.</summary>
    public string Describe() => LineProtocolRules.Describe(Measurement, _tags);

    private static ArgumentException Invalid(string? measurement, KeyValuePair<string, string>[] tags, string problem, string param) =>
        new($"point '{LineProtocolRules.Describe(measurement, tags)}': {problem}", param);
}
