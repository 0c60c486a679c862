namespace Twin.Storage.LineProtocol;

/// <summary>
/// Fluent builder of a <see cref="LinePoint"/>: <c>LinePoint.Builder("telemetry").Tag("cell", "c1")
/// .Field("voltage_V", 3.71).Timestamp(ns).Build()</c>. Rules are checked by <see cref="Build"/>.
/// </summary>
public sealed class LinePointBuilder
{
    private readonly string _measurement;
    private readonly List<KeyValuePair<string, string>> _tags = new(4);
    private readonly List<LineField> _fields;
    private long _timestampNs;

    /// <summary>Starts a point of <paramref name="measurement"/> at timestamp 0.</summary>
    /// <param name="measurement">Measurement name.</param>
    public LinePointBuilder(string measurement) : this(measurement, 4)
    {
    }

    /// <summary>Starts a point of <paramref name="measurement"/> at timestamp 0 with room for <paramref name="fields"/> fields
    /// (a point whose field count is known is then built without regrowing its list).</summary>
    /// <param name="measurement">Measurement name.</param>
    /// <param name="fields">Expected number of fields (more may be added).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fields"/> is negative.</exception>
    public LinePointBuilder(string measurement, int fields)
    {
        _measurement = measurement;
        _fields = new List<LineField>(fields);
    }

    /// <summary>Adds a tag.</summary>
    /// <param name="key">Tag key.</param>
    /// <param name="value">Tag value (an empty value omits the tag).</param>
    public LinePointBuilder Tag(string key, string value)
    {
        _tags.Add(new(key, value));
        return this;
    }

    /// <summary>Adds a float field.</summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Finite value.</param>
    public LinePointBuilder Field(string key, double value)
    {
        _fields.Add(LineField.Float(key, value));
        return this;
    }

    /// <summary>Adds a signed integer field.</summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Value.</param>
    public LinePointBuilder Field(string key, long value)
    {
        _fields.Add(LineField.Integer(key, value));
        return this;
    }

    /// <summary>Adds an unsigned integer field (InfluxDB 2.x and later).</summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Value.</param>
    public LinePointBuilder Field(string key, ulong value)
    {
        _fields.Add(LineField.Unsigned(key, value));
        return this;
    }

    /// <summary>Adds a string field.</summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Value without newlines.</param>
    public LinePointBuilder Field(string key, string value)
    {
        _fields.Add(LineField.String(key, value));
        return this;
    }

    /// <summary>Adds a boolean field.</summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Value.</param>
    public LinePointBuilder Field(string key, bool value)
    {
        _fields.Add(LineField.Boolean(key, value));
        return this;
    }

    /// <summary>Sets the timestamp.</summary>
    /// <param name="unixNanoseconds">ns since 1970-01-01T00:00:00Z.</param>
    public LinePointBuilder Timestamp(long unixNanoseconds)
    {
        _timestampNs = unixNanoseconds;
        return this;
    }

    /// <summary>Sets the timestamp from a UTC instant (100 ns resolution).</summary>
    /// <param name="time">The instant.</param>
    public LinePointBuilder Timestamp(DateTimeOffset time)
    {
        _timestampNs = LineProtocolRules.ToUnixNanoseconds(time);
        return this;
    }

    /// <summary>Builds and validates the point.</summary>
    /// <exception cref="ArgumentException">A line-protocol rule is broken (see <see cref="LinePoint"/>).</exception>
    public LinePoint Build() => new(_measurement, _tags, _fields, _timestampNs);
}
