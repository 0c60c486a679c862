using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Twin.Storage.LineProtocol;

/// <summary>
/// Writes <see cref="LinePoint"/>s as InfluxDB line protocol (UTF-8, one point per line, each line ending in
/// <c>\n</c>) into an <see cref="IBufferWriter{T}"/>, without intermediate strings. Escaping per the line protocol
/// reference: in measurement names commas and spaces; in tag keys, tag values and field keys commas, equals
/// signs and spaces (and, because InfluxDB unescapes <c>\"</c> in field keys, a field key's backslash may not
/// precede a quote); in string field values double quotes and backslashes. Thread-safe.
/// </summary>
public sealed class LineProtocolEncoder
{
    private static readonly SearchValues<char> MeasurementEscapes = SearchValues.Create(", ");
    private static readonly SearchValues<char> KeyEscapes = SearchValues.Create(",= ");
    private static readonly SearchValues<char> StringEscapes = SearchValues.Create("\"\\");

    /// <summary>Creates an encoder.</summary>
    /// <param name="options">Precision and unsigned support; null for <see cref="LineProtocolOptions.Default"/>.</param>
    public LineProtocolEncoder(LineProtocolOptions? options = null)
    {
        Options = options ?? LineProtocolOptions.Default;
        _ = Options.Precision.NanosecondsPerUnit();
    }

    /// <summary>The options.</summary>
    public LineProtocolOptions Options { get; }

    /// <summary>Writes one point as a line ending in <c>\n</c>.</summary>
    /// <param name="point">The point.</param>
    /// <param name="output">Destination.</param>
    /// <returns>Bytes written, including the newline.</returns>
    /// <exception cref="ArgumentException">The point has an unsigned field and <see cref="LineProtocolOptions.AllowUnsigned"/> is false;
    /// nothing is written then.</exception>
    public int Encode(LinePoint point, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(output);
        var fields = point.FieldArray;
        if (!Options.AllowUnsigned)
        {
            foreach (var f in fields)
            {
                if (f.Type == LineFieldType.UnsignedInteger)
                {
                    throw new ArgumentException(
                        $"point '{point.Describe()}': field '{f.Key}' is unsigned; the 'u' suffix is only accepted by InfluxDB 2.x and later " +
                        "(/api/v2/write) — enable LineProtocolOptions.AllowUnsigned for such endpoints or write it as an integer",
                        nameof(point));
                }
            }
        }

        int n = WriteEscaped(output, point.Measurement, MeasurementEscapes);
        foreach (var (k, v) in point.TagArray)
        {
            n += WriteByte(output, (byte)',');
            n += WriteEscaped(output, k, KeyEscapes);
            n += WriteByte(output, (byte)'=');
            n += WriteEscaped(output, v, KeyEscapes);
        }
        byte sep = (byte)' ';
        foreach (var f in fields)
        {
            n += WriteByte(output, sep);
            sep = (byte)',';
            n += WriteEscaped(output, f.Key, KeyEscapes);
            n += WriteByte(output, (byte)'=');
            n += WriteValue(output, f);
        }
        n += WriteByte(output, (byte)' ');
        n += WriteInt64(output, Options.Precision.FromNanoseconds(point.TimestampNs), 0);
        n += WriteByte(output, (byte)'\n');
        return n;
    }

    /// <summary>Writes several points, one line each.</summary>
    /// <param name="points">The points.</param>
    /// <param name="output">Destination.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException">A point has an unsigned field while not allowed; earlier points are already written.</exception>
    public long Encode(IEnumerable<LinePoint> points, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(points);
        long n = 0;
        foreach (var p in points)
        {
            n += Encode(p, output);
        }
        return n;
    }

    /// <summary>The points as a line-protocol string (each line ending in <c>\n</c>); for tests and diagnostics.</summary>
    /// <param name="points">The points.</param>
    /// <exception cref="ArgumentException">A point has an unsigned field while not allowed.</exception>
    public string EncodeToString(IEnumerable<LinePoint> points)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Encode(points, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static int WriteValue(IBufferWriter<byte> output, in LineField f)
    {
        switch (f.Type)
        {
            case LineFieldType.Float:
            {
                var span = output.GetSpan(32);
                // Shortest round-trippable form, e.g. 3.71, -0, 1E+308, 5E-324 (all accepted by InfluxDB's parser).
                if (!BitConverter.Int64BitsToDouble(f.RawBits).TryFormat(span, out int written, default, CultureInfo.InvariantCulture))
                {
                    throw new InvalidOperationException("float formatting needs more than 32 bytes");
                }
                output.Advance(written);
                return written;
            }
            case LineFieldType.Integer:
                return WriteInt64(output, f.RawBits, (byte)'i');
            case LineFieldType.UnsignedInteger:
            {
                var span = output.GetSpan(21);
                unchecked((ulong)f.RawBits).TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
                span[written++] = (byte)'u';
                output.Advance(written);
                return written;
            }
            case LineFieldType.Boolean:
            {
                ReadOnlySpan<byte> text = f.RawBits != 0 ? "true"u8 : "false"u8;
                text.CopyTo(output.GetSpan(text.Length));
                output.Advance(text.Length);
                return text.Length;
            }
            default:
            {
                int n = WriteByte(output, (byte)'"');
                n += WriteEscaped(output, f.RawString ?? "", StringEscapes);
                n += WriteByte(output, (byte)'"');
                return n;
            }
        }
    }

    private static int WriteInt64(IBufferWriter<byte> output, long value, byte suffix)
    {
        var span = output.GetSpan(21);
        value.TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
        if (suffix != 0)
        {
            span[written++] = suffix;
        }
        output.Advance(written);
        return written;
    }

    private static int WriteByte(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
        return 1;
    }

    // Writes s as UTF-8 with a backslash before every character of 'escapes' (all ASCII).
    private static int WriteEscaped(IBufferWriter<byte> output, string s, SearchValues<char> escapes)
    {
        ReadOnlySpan<char> rest = s;
        int total = 0;
        while (true)
        {
            int i = rest.IndexOfAny(escapes);
            var segment = i < 0 ? rest : rest[..i];
            if (!segment.IsEmpty)
            {
                total += WriteUtf8(output, segment);
            }
            if (i < 0)
            {
                return total;
            }
            var span = output.GetSpan(2);
            span[0] = (byte)'\\';
            span[1] = (byte)rest[i];
            output.Advance(2);
            total += 2;
            rest = rest[(i + 1)..];
        }
    }

    private static int WriteUtf8(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        // Each UTF-16 code unit needs at most 3 UTF-8 bytes; surrogate pairs need 4 for 2 units.
        var span = output.GetSpan(text.Length * 3);
        var status = Utf8.FromUtf16(text, span, out _, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            throw new InvalidOperationException($"UTF-8 encoding failed ({status}); points are validated on construction");
        }
        output.Advance(written);
        return written;
    }
}
