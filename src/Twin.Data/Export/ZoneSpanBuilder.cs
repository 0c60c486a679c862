namespace Twin.Data.Export;

/// <summary>
/// Turns a time-ordered sequence of (time, zone) samples into <see cref="ZoneSpan"/>s for the report, merging
/// consecutive samples in the same zone.
/// </summary>
/// <remarks>
/// Spans are contiguous: a span ends where the next one starts (at the time of the first sample in the new zone),
/// and the last span ends at the latest sample time. Zone changes are rare, but the number of spans is capped
/// (<see cref="MaxSpans"/>) so a flapping signal cannot exhaust memory: once the cap is reached the last span is
/// extended to the end of the stream, and its zone becomes the most severe zone seen from then on
/// (safe &lt; caution &lt; critical &lt; deep), so an excursion into the critical window is never hidden;
/// <see cref="Truncated"/> then reports the loss of detail. Adding a sample in the current zone allocates nothing.
/// </remarks>
public sealed class ZoneSpanBuilder
{
    /// <summary>Default cap on the number of spans.</summary>
    public const int DefaultMaxSpans = 100_000;

    private readonly List<ZoneSpan> _closed = new();
    private bool _open;
    private double _openStart;
    private double _lastTime;
    private string _openZone = "";

    /// <summary>Creates a builder.</summary>
    /// <param name="maxSpans">Cap on the number of spans returned by <see cref="Build"/>; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSpans"/> is below 1.</exception>
    public ZoneSpanBuilder(int maxSpans = DefaultMaxSpans)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSpans, 1);
        MaxSpans = maxSpans;
    }

    /// <summary>Cap on the number of spans.</summary>
    public int MaxSpans { get; }

    /// <summary>True once the cap was hit and later zone changes were folded into the last span.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Number of spans <see cref="Build"/> would return now.</summary>
    public int Count => _closed.Count + (_open ? 1 : 0);

    /// <summary>Adds a sample: at <paramref name="timeS"/> the cell was in <paramref name="zone"/>.</summary>
    /// <param name="timeS">Seconds since the start of the test, not decreasing from one call to the next.</param>
    /// <param name="zone">"safe", "caution", "critical" or "deep" (other names are kept as they are, ranked least severe).</param>
    /// <exception cref="ArgumentNullException"><paramref name="zone"/> is null.</exception>
    public void Add(double timeS, string zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (!_open)
        {
            _open = true;
            _openStart = timeS;
            _openZone = zone;
            _lastTime = timeS;
            return;
        }

        if (timeS > _lastTime) _lastTime = timeS;
        if (string.Equals(zone, _openZone, StringComparison.Ordinal)) return;

        if (Truncated || _closed.Count + 1 >= MaxSpans)
        {
            // Cap reached: the open span becomes the last one and takes the most severe zone from here on.
            Truncated = true;
            if (Severity(zone) > Severity(_openZone)) _openZone = zone;
            return;
        }

        double boundary = Math.Max(timeS, _openStart);
        _closed.Add(new ZoneSpan(_openStart, boundary, _openZone));
        _openStart = boundary;
        _openZone = zone;
    }

    /// <summary>Returns the spans so far; the last one ends at the latest sample time. The builder can keep going afterwards.</summary>
    /// <returns>A new list of at most <see cref="MaxSpans"/> spans, in time order.</returns>
    public IReadOnlyList<ZoneSpan> Build()
    {
        var spans = new List<ZoneSpan>(Count);
        spans.AddRange(_closed);
        if (_open) spans.Add(new ZoneSpan(_openStart, Math.Max(_lastTime, _openStart), _openZone));
        return spans;
    }

    /// <summary>Severity rank of a zone name: safe 0, caution 1, critical 2, deep 3; unknown names 0.</summary>
    /// <param name="zone">Zone name.</param>
    /// <returns>The rank.</returns>
    public static int Severity(string zone) => zone switch
    {
        "caution" => 1,
        "critical" => 2,
        "deep" => 3,
        _ => 0,
    };
}
