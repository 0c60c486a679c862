namespace Twin.Storage.LineProtocol;

/// <summary>
/// Unit of the timestamp written at the end of a line-protocol line. InfluxDB stores nanoseconds; a coarser
/// precision makes lines shorter and compresses better, and must be announced with the write endpoint's
/// <c>precision</c> query parameter (see <see cref="TimestampPrecisionExtensions"/>).
/// </summary>
public enum TimestampPrecision
{
    /// <summary>Nanoseconds since the Unix epoch (the line-protocol default).</summary>
    Nanoseconds = 0,

    /// <summary>Microseconds since the Unix epoch.</summary>
    Microseconds = 1,

    /// <summary>Milliseconds since the Unix epoch.</summary>
    Milliseconds = 2,

    /// <summary>Seconds since the Unix epoch.</summary>
    Seconds = 3,
}

/// <summary>Conversions and endpoint parameter spellings for <see cref="TimestampPrecision"/>.</summary>
public static class TimestampPrecisionExtensions
{
    /// <summary>Nanoseconds in one unit of <paramref name="precision"/> (1, 1,000, 1,000,000 or 1,000,000,000).</summary>
    /// <param name="precision">The precision.</param>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined precision.</exception>
    public static long NanosecondsPerUnit(this TimestampPrecision precision) => precision switch
    {
        TimestampPrecision.Nanoseconds => 1L,
        TimestampPrecision.Microseconds => 1_000L,
        TimestampPrecision.Milliseconds => 1_000_000L,
        TimestampPrecision.Seconds => 1_000_000_000L,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown timestamp precision"),
    };

    /// <summary>
    /// Converts nanoseconds since the Unix epoch to whole units of <paramref name="precision"/>, rounding toward
    /// negative infinity (so a point never moves later in time).
    /// </summary>
    /// <param name="precision">Target precision.</param>
    /// <param name="unixNanoseconds">Timestamp in ns since 1970-01-01T00:00:00Z.</param>
    /// <returns>The timestamp in units of <paramref name="precision"/>.</returns>
    public static long FromNanoseconds(this TimestampPrecision precision, long unixNanoseconds)
    {
        long unit = precision.NanosecondsPerUnit();
        if (unit == 1)
        {
            return unixNanoseconds;
        }
        long q = Math.DivRem(unixNanoseconds, unit, out long r);
        return r < 0 ? q - 1 : q;
    }

    /// <summary>Converts a timestamp in units of <paramref name="precision"/> back to nanoseconds since the epoch.</summary>
    /// <param name="precision">Precision of <paramref name="value"/>.</param>
    /// <param name="value">Timestamp in units of <paramref name="precision"/>.</param>
    /// <returns>Nanoseconds since 1970-01-01T00:00:00Z.</returns>
    /// <exception cref="OverflowException">The result does not fit in 64 bits.</exception>
    public static long ToNanoseconds(this TimestampPrecision precision, long value) =>
        checked(value * precision.NanosecondsPerUnit());

    /// <summary>
    /// The <c>precision</c> query parameter of the InfluxDB 1.x <c>/write</c> endpoint (also the 1.x compatibility
    /// <c>/write</c> of 2.x and 3.x): <c>ns</c>, <c>u</c>, <c>ms</c>, <c>s</c>. Note that 1.x does not know
    /// <c>us</c> and silently reads such timestamps as nanoseconds, hence <c>u</c>.
    /// </summary>
    /// <param name="precision">The precision.</param>
    public static string ToV1Parameter(this TimestampPrecision precision) => precision switch
    {
        TimestampPrecision.Nanoseconds => "ns",
        TimestampPrecision.Microseconds => "u",
        TimestampPrecision.Milliseconds => "ms",
        TimestampPrecision.Seconds => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown timestamp precision"),
    };

    /// <summary>
    /// The <c>precision</c> query parameter of the InfluxDB 2.x <c>/api/v2/write</c> endpoint: <c>ns</c>,
    /// <c>us</c>, <c>ms</c>, <c>s</c>.
    /// </summary>
    /// <param name="precision">The precision.</param>
    public static string ToV2Parameter(this TimestampPrecision precision) => precision switch
    {
        TimestampPrecision.Nanoseconds => "ns",
        TimestampPrecision.Microseconds => "us",
        TimestampPrecision.Milliseconds => "ms",
        TimestampPrecision.Seconds => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown timestamp precision"),
    };
}
