using Twin.Storage.LineProtocol;

namespace Twin.Storage.Spool;

/// <summary>One point as stored in the spool, read by <see cref="PointSpool.ReadAsync"/>.</summary>
/// <param name="SegmentId">Segment file number.</param>
/// <param name="Offset">Byte offset of the record in its segment.</param>
/// <param name="AppendedAt">When the spool accepted the point (ms resolution, UTC).</param>
/// <param name="Precision">Timestamp unit of <paramref name="Line"/>.</param>
/// <param name="Line">The point as one line of line protocol, ending in <c>\n</c>.</param>
public sealed record SpoolRecord(long SegmentId, long Offset, DateTimeOffset AppendedAt, TimestampPrecision Precision, ReadOnlyMemory<byte> Line)
{
    /// <summary>The line as text without the newline.</summary>
    public string LineText => System.Text.Encoding.UTF8.GetString(Line.Span.TrimEnd((byte)'\n'));

    /// <summary>Parses the line back into a point (timestamp in ns).</summary>
    /// <exception cref="FormatException">The line is not valid line protocol.</exception>
    public LinePoint ToPoint() => LineProtocolParser.ParseLine(Line.Span, Precision);
}
