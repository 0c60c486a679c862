using System.Globalization;

namespace Twin.Drivers.Scpi;

/// <summary>What a <see cref="ScpiLogEntry"/> records.</summary>
public enum ScpiDirection
{
    /// <summary>A command or query sent to the instrument.</summary>
    Sent,
    /// <summary>A reply received (binary blocks summarised by length).</summary>
    Received,
    /// <summary>Something that happened to the session: link lost/restored, timeout, resynchronisation, protocol error.</summary>
    Event,
}

/// <summary>One entry of the SCPI command log.</summary>
/// <param name="Time">When it happened (UTC).</param>
/// <param name="Direction">Sent, received or event.</param>
/// <param name="Text">The command, the reply, or the event description.</param>
/// <param name="Elapsed">For a reply: time since its query was sent; otherwise null.</param>
public readonly record struct ScpiLogEntry(DateTimeOffset Time, ScpiDirection Direction, string Text, TimeSpan? Elapsed)
{
    /// <summary>One line: <c>2025-01-01T12:00:00.123Z &gt;&gt; *IDN?</c>, <c>&lt;&lt; reply (0.42 ms)</c>, <c>-- event</c>.</summary>
    public override string ToString()
    {
        string arrow = Direction switch { ScpiDirection.Sent => ">>", ScpiDirection.Received => "<<", _ => "--" };
        string elapsed = Elapsed is { } e ? string.Create(CultureInfo.InvariantCulture, $" ({e.TotalMilliseconds:0.###} ms)") : "";
        return $"{Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} {arrow} {Text}{elapsed}";
    }
}

/// <summary>Bounded ring of the most recent <see cref="ScpiLogEntry"/> values of a session (oldest dropped first). Thread-safe.</summary>
public sealed class ScpiLog
{
    private readonly Lock _gate = new();
    private readonly ScpiLogEntry[] _ring;
    private int _next;
    private int _count;
    private long _total;

    /// <summary>Creates an empty log.</summary>
    /// <param name="capacity">Entries kept (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 1.</exception>
    public ScpiLog(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new ScpiLogEntry[capacity];
    }

    /// <summary>Entries kept at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Entries recorded since creation (including dropped ones).</summary>
    public long TotalRecorded
    {
        get { lock (_gate) return _total; }
    }

    /// <summary>Appends an entry.</summary>
    /// <param name="direction">Sent, received or event.</param>
    /// <param name="text">Text of the entry.</param>
    /// <param name="elapsed">Reply latency, if any.</param>
    public void Add(ScpiDirection direction, string text, TimeSpan? elapsed = null)
    {
        var entry = new ScpiLogEntry(DateTimeOffset.UtcNow, direction, text, elapsed);
        lock (_gate)
        {
            _ring[_next] = entry;
            _next = (_next + 1) % _ring.Length;
            if (_count < _ring.Length) _count++;
            _total++;
        }
    }

    /// <summary>The kept entries, oldest first.</summary>
    /// <returns>A copy.</returns>
    public IReadOnlyList<ScpiLogEntry> Snapshot()
    {
        lock (_gate)
        {
            var copy = new ScpiLogEntry[_count];
            int start = (_next - _count + _ring.Length) % _ring.Length;
            for (int i = 0; i < _count; i++) copy[i] = _ring[(start + i) % _ring.Length];
            return copy;
        }
    }

    /// <summary>Writes the kept entries, one per line, oldest first (see <see cref="ScpiLogEntry.ToString"/>).</summary>
    /// <param name="writer">Destination.</param>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var entry in Snapshot()) writer.WriteLine(entry.ToString());
    }
}
