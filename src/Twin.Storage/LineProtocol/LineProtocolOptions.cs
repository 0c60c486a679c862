namespace Twin.Storage.LineProtocol;

/// <summary>How points are encoded into line protocol.</summary>
public sealed record LineProtocolOptions
{
    /// <summary>Default options: nanosecond timestamps, unsigned fields not allowed.</summary>
    public static LineProtocolOptions Default { get; } = new();

    /// <summary>
    /// Unit of the written timestamps (default nanoseconds). Coarser units truncate toward negative infinity;
    /// the writer sends the matching <c>precision</c> parameter.
    /// </summary>
    public TimestampPrecision Precision { get; init; } = TimestampPrecision.Nanoseconds;

    /// <summary>
    /// Allows <see cref="LineFieldType.UnsignedInteger"/> fields (suffix <c>u</c>), which only InfluxDB 2.x and
    /// later (<c>/api/v2/write</c>, 3.x) accept. When false (default) encoding such a field throws
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public bool AllowUnsigned { get; init; }
}
