using System.Globalization;

namespace Twin.Storage.LineProtocol;

/// <summary>
/// One field of a point: a key and a typed value. Create with <see cref="Float"/>, <see cref="Integer"/>,
/// <see cref="Unsigned"/>, <see cref="String"/> or <see cref="Boolean"/>; the value is checked when the field is
/// put into a <see cref="LinePoint"/> (finite floats, non-null strings, keys per the line protocol rules).
/// </summary>
public readonly struct LineField : IEquatable<LineField>
{
    private readonly long _bits;
    private readonly string? _string;

    private LineField(string key, LineFieldType type, long bits, string? text)
    {
        Key = key;
        Type = type;
        _bits = bits;
        _string = text;
    }

    /// <summary>Field key (UTF-8 in the line; commas, equals signs and spaces are escaped when written).</summary>
    public string Key { get; }

    /// <summary>Type of the value.</summary>
    public LineFieldType Type { get; }

    /// <summary>Creates a float field. NaN and ±Infinity are rejected when the point is built.</summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Value.</param>
    public static LineField Float(string key, double value) =>
        new(key, LineFieldType.Float, BitConverter.DoubleToInt64Bits(value), null);

    /// <summary>Creates a signed 64-bit integer field (written with suffix <c>i</c>).</summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Value.</param>
    public static LineField Integer(string key, long value) => new(key, LineFieldType.Integer, value, null);

    /// <summary>
    /// Creates an unsigned 64-bit integer field (suffix <c>u</c>; InfluxDB 2.x and later only, see
    /// <see cref="LineProtocolOptions.AllowUnsigned"/>).
    /// </summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Value.</param>
    public static LineField Unsigned(string key, ulong value) =>
        new(key, LineFieldType.UnsignedInteger, unchecked((long)value), null);

    /// <summary>Creates a string field. Newlines (CR, LF) are rejected when the point is built.</summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Value (not null).</param>
    public static LineField String(string key, string value) => new(key, LineFieldType.String, 0, value);

    /// <summary>Creates a boolean field.</summary>
    /// <param name="key">Field key.</param>
    /// <param name="value">Value.</param>
    public static LineField Boolean(string key, bool value) => new(key, LineFieldType.Boolean, value ? 1 : 0, null);

    /// <summary>The float value.</summary>
    /// <exception cref="InvalidOperationException">The field is not a float.</exception>
    public double FloatValue => Type == LineFieldType.Float ? BitConverter.Int64BitsToDouble(_bits) : throw WrongType(LineFieldType.Float);

    /// <summary>The signed integer value.</summary>
    /// <exception cref="InvalidOperationException">The field is not an integer.</exception>
    public long IntegerValue => Type == LineFieldType.Integer ? _bits : throw WrongType(LineFieldType.Integer);

    /// <summary>The unsigned integer value.</summary>
    /// <exception cref="InvalidOperationException">The field is not an unsigned integer.</exception>
    public ulong UnsignedValue => Type == LineFieldType.UnsignedInteger ? unchecked((ulong)_bits) : throw WrongType(LineFieldType.UnsignedInteger);

    /// <summary>The string value.</summary>
    /// <exception cref="InvalidOperationException">The field is not a string.</exception>
    public string StringValue => Type == LineFieldType.String ? _string ?? "" : throw WrongType(LineFieldType.String);

    /// <summary>The boolean value.</summary>
    /// <exception cref="InvalidOperationException">The field is not a boolean.</exception>
    public bool BooleanValue => Type == LineFieldType.Boolean ? _bits != 0 : throw WrongType(LineFieldType.Boolean);

    /// <summary>The value boxed as <see cref="double"/>, <see cref="long"/>, <see cref="ulong"/>, <see cref="string"/> or <see cref="bool"/>.</summary>
    public object Value => Type switch
    {
        LineFieldType.Float => FloatValue,
        LineFieldType.Integer => IntegerValue,
        LineFieldType.UnsignedInteger => UnsignedValue,
        LineFieldType.String => StringValue,
        _ => BooleanValue,
    };

    internal long RawBits => _bits;

    internal string? RawString => _string;

    /// <summary>Same key, type and value (floats compared bit for bit).</summary>
    /// <param name="other">The other field.</param>
    public bool Equals(LineField other) =>
        string.Equals(Key, other.Key, StringComparison.Ordinal) && Type == other.Type && _bits == other._bits &&
        string.Equals(_string, other._string, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LineField other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Key, Type, _bits, _string);

    /// <summary>Equality of two fields.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    public static bool operator ==(LineField left, LineField right) => left.Equals(right);

    /// <summary>Inequality of two fields.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    public static bool operator !=(LineField left, LineField right) => !left.Equals(right);

    /// <summary><c>key=value</c> with the value formatted invariantly (for messages, not line protocol).</summary>
    public override string ToString() =>
        $"{Key}={string.Format(CultureInfo.InvariantCulture, "{0}", Value)}";

    private InvalidOperationException WrongType(LineFieldType wanted) =>
        new($"field '{Key}' is {Type}, not {wanted}");
}
