namespace Twin.Core.Samples;

/// <summary>Wire time of the payloads (README.md, "Topics and payloads"): UTC, nanoseconds since the Unix epoch
/// (100 ns resolution from the clock).</summary>
public static class UnixTime
{
    /// <summary>ns since the Unix epoch of an instant.</summary>
    /// <param name="at">The instant (any offset; converted to UTC).</param>
    /// <returns>Nanoseconds since 1970-01-01T00:00:00Z.</returns>
    public static long ToUnixNs(DateTimeOffset at) => (at.UtcDateTime - DateTime.UnixEpoch).Ticks * 100;

    /// <summary>ns since the Unix epoch now.</summary>
    /// <returns>Nanoseconds since 1970-01-01T00:00:00Z.</returns>
    public static long NowNs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    /// <summary>ns since the Unix epoch now, by <paramref name="time"/> (so a component and a test that share a clock stamp alike).</summary>
    /// <param name="time">The clock.</param>
    /// <returns>Nanoseconds since 1970-01-01T00:00:00Z.</returns>
    public static long NowNs(TimeProvider time) => ToUnixNs(time.GetUtcNow());
}
