namespace Twin.Epics.ChannelAccess.Codec;

/// <summary>
/// EPICS time stamps (<c>epicsTimeStamp</c>): seconds since 1990-01-01 00:00:00 UTC (u32) and nanoseconds (u32), as in
/// every TIME, and the conversion from Unix time (the EPICS epoch is 631,152,000 s after the Unix epoch).
/// </summary>
public static class EpicsTime
{
    /// <summary>Seconds from the Unix epoch to the EPICS epoch (1990-01-01 UTC).</summary>
    public const long EpochOffsetS = 631_152_000;

    /// <summary>Converts Unix time to the EPICS (seconds, nanoseconds) pair; times before 1990 become 0.</summary>
    /// <param name="unixNs">ns since the Unix epoch.</param>
    /// <returns>Seconds past the EPICS epoch and nanoseconds.</returns>
    public static (uint Seconds, uint Nanoseconds) FromUnixNs(long unixNs)
    {
        long s = Math.DivRem(unixNs, 1_000_000_000L, out long ns);
        s -= EpochOffsetS;
        if (s < 0 || unixNs < 0) return (0, 0);
        return ((uint)Math.Min(s, uint.MaxValue), (uint)ns);
    }
}
