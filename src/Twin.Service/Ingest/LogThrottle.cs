namespace Twin.Service.Ingest;

/// <summary>
/// Lets one log line per key through every <see cref="Interval"/> and counts what it held back, so that a flood of
/// bad input is reported without flooding the log. Not thread-safe; used under the cell's lock.
/// </summary>
/// <param name="interval">Least time between two lines of one key.</param>
public sealed class LogThrottle(TimeSpan interval)
{
    private readonly Dictionary<string, (long NextNs, long Held)> _keys = new(StringComparer.Ordinal);

    /// <summary>Least time between two lines of one key.</summary>
    public TimeSpan Interval { get; } = interval;

    /// <summary>Asks whether to log an occurrence of <paramref name="key"/> now.</summary>
    /// <param name="key">What is logged (e.g. a rejection reason).</param>
    /// <param name="nowUnixNs">The service's clock, ns since the Unix epoch.</param>
    /// <returns>0 to stay quiet; otherwise the occurrences to report (this one and those held back since the last line).</returns>
    public long Pass(string key, long nowUnixNs)
    {
        var (next, held) = _keys.GetValueOrDefault(key);
        if (nowUnixNs < next)
        {
            _keys[key] = (next, held + 1);
            return 0;
        }
        _keys[key] = (nowUnixNs + Interval.Ticks * 100, 0);
        return held + 1;
    }
}
