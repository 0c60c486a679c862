using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Twin.Storage.LineProtocol;

/// <summary>
/// Reads line protocol back into <see cref="LinePoint"/>s, inverting <see cref="LineProtocolEncoder"/> with the
/// unescaping rules of the line protocol reference (as InfluxDB 1.x/2.x apply them): in names <c>\,</c>,
/// <c>\ </c>, <c>\=</c> (and <c>\"</c> in field keys) stand for the character, any other backslash is literal;
/// in string field values <c>\"</c> and <c>\\</c>. Used to read the local spool (export, embedded mode, tests).
/// Every line must carry a timestamp.
/// </summary>
public static class LineProtocolParser
{
    /// <summary>Parses one line (a trailing <c>\n</c> or <c>\r\n</c> is ignored).</summary>
    /// <param name="line">UTF-8 line protocol.</param>
    /// <param name="precision">Unit of the line's timestamp.</param>
    /// <returns>The point, timestamp in ns.</returns>
    /// <exception cref="FormatException">Not a valid line (message gives the byte position and the line).</exception>
    /// <exception cref="ArgumentException">The line parses but breaks a point rule (e.g. NaN).</exception>
    public static LinePoint ParseLine(ReadOnlySpan<byte> line, TimestampPrecision precision = TimestampPrecision.Nanoseconds)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\n')
        {
            line = line[..^1];
        }
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        var reader = new Reader(line);
        try
        {
            return reader.Read(precision);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{e.Message} at byte {reader.Position} of line '{Encoding.UTF8.GetString(line)}'", e);
        }
    }

    /// <summary>Parses a text of lines; empty lines and <c>#</c> comment lines are skipped.</summary>
    /// <param name="text">Line protocol.</param>
    /// <param name="precision">Unit of the timestamps.</param>
    /// <returns>The points in order.</returns>
    /// <exception cref="FormatException">A line is invalid.</exception>
    public static IReadOnlyList<LinePoint> Parse(string text, TimestampPrecision precision = TimestampPrecision.Nanoseconds)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var points = new List<LinePoint>();
        ReadOnlySpan<byte> rest = bytes;
        while (!rest.IsEmpty)
        {
            int nl = rest.IndexOf((byte)'\n');
            var line = nl < 0 ? rest : rest[..nl];
            rest = nl < 0 ? default : rest[(nl + 1)..];
            var trimmed = line.TrimStart(" \t"u8);
            if (trimmed.IsEmpty || trimmed[0] == (byte)'#' || (trimmed.Length == 1 && trimmed[0] == (byte)'\r'))
            {
                continue;
            }
            points.Add(ParseLine(line, precision));
        }
        return points;
    }

    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _line;
        private int _pos;

        public Reader(ReadOnlySpan<byte> line)
        {
            _line = line;
            _pos = 0;
        }

        public readonly int Position => _pos;

        public LinePoint Read(TimestampPrecision precision)
        {
            string measurement = ReadName(", "u8, ", "u8, "measurement");
            var tags = new List<KeyValuePair<string, string>>();
            while (Peek() == (byte)',')
            {
                _pos++;
                string key = ReadName("= ,"u8, ",= "u8, "tag key");
                Expect((byte)'=');
                string value = ReadName(", "u8, ",= "u8, "tag value");
                tags.Add(new(key, value));
            }
            Expect((byte)' ');
            var fields = new List<LineField>();
            while (true)
            {
                string key = ReadName("= ,"u8, ",= \""u8, "field key");
                Expect((byte)'=');
                fields.Add(ReadValue(key));
                if (Peek() != (byte)',')
                {
                    break;
                }
                _pos++;
            }
            Expect((byte)' ');
            var rest = _line[_pos..];
            if (!Utf8Parser.TryParse(rest, out long ts, out int used) || used != rest.Length)
            {
                throw new FormatException("bad or missing timestamp");
            }
            _pos += used;
            return new LinePoint(measurement, tags, fields, precision.ToNanoseconds(ts));
        }

        private readonly int Peek() => _pos < _line.Length ? _line[_pos] : -1;

        private void Expect(byte b)
        {
            if (Peek() != b)
            {
                throw new FormatException($"expected '{(char)b}'");
            }
            _pos++;
        }

        // Reads an escaped name up to an unescaped terminator; '\x' with x in 'escaped' stands for x.
        private string ReadName(ReadOnlySpan<byte> terminators, ReadOnlySpan<byte> escaped, string what)
        {
            byte[]? rented = null;
            Span<byte> buffer = _line.Length - _pos <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(_line.Length - _pos));
            int n = 0;
            while (_pos < _line.Length)
            {
                byte b = _line[_pos];
                if (b == (byte)'\\' && _pos + 1 < _line.Length && escaped.IndexOf(_line[_pos + 1]) >= 0)
                {
                    buffer[n++] = _line[_pos + 1];
                    _pos += 2;
                    continue;
                }
                if (terminators.IndexOf(b) >= 0)
                {
                    break;
                }
                buffer[n++] = b;
                _pos++;
            }
            string s = Encoding.UTF8.GetString(buffer[..n]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
            if (s.Length == 0)
            {
                throw new FormatException($"empty {what}");
            }
            return s;
        }

        private LineField ReadValue(string key)
        {
            if (Peek() == (byte)'"')
            {
                _pos++;
                var sb = new ArrayBufferWriter<byte>(Math.Max(16, _line.Length - _pos));
                while (true)
                {
                    if (_pos >= _line.Length)
                    {
                        throw new FormatException($"unterminated string value of field '{key}'");
                    }
                    byte b = _line[_pos];
                    if (b == (byte)'"')
                    {
                        _pos++;
                        break;
                    }
                    if (b == (byte)'\\' && _pos + 1 < _line.Length && (_line[_pos + 1] == (byte)'"' || _line[_pos + 1] == (byte)'\\'))
                    {
                        b = _line[_pos + 1];
                        _pos++;
                    }
                    sb.GetSpan(1)[0] = b;
                    sb.Advance(1);
                    _pos++;
                }
                return LineField.String(key, Encoding.UTF8.GetString(sb.WrittenSpan));
            }

            int start = _pos;
            while (_pos < _line.Length && _line[_pos] != (byte)',' && _line[_pos] != (byte)' ')
            {
                _pos++;
            }
            var token = _line[start.._pos];
            if (token.IsEmpty)
            {
                throw new FormatException($"missing value of field '{key}'");
            }
            byte last = token[^1];
            if (last == (byte)'i' && Utf8Parser.TryParse(token[..^1], out long l, out int c1) && c1 == token.Length - 1)
            {
                return LineField.Integer(key, l);
            }
            if (last == (byte)'u' && Utf8Parser.TryParse(token[..^1], out ulong u, out int c2) && c2 == token.Length - 1)
            {
                return LineField.Unsigned(key, u);
            }
            switch (Encoding.ASCII.GetString(token))
            {
                case "t" or "T" or "true" or "True" or "TRUE":
                    return LineField.Boolean(key, true);
                case "f" or "F" or "false" or "False" or "FALSE":
                    return LineField.Boolean(key, false);
                case var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d):
                    return LineField.Float(key, d);
                default:
                    throw new FormatException($"bad value of field '{key}'");
            }
        }
    }
}
