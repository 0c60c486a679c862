namespace Twin.Data.Readers.Formats;

/// <summary>
/// Numbers the stretches over which a source's charge counter is continuous. A new segment starts when
/// the step identity changes (the counter restarts with each step or cycle) or when the counter is seen
/// to fall (a restart the identity did not announce).
/// </summary>
internal struct SegmentTracker
{
    private bool _started;
    private long _identity;
    private int _segment;

    /// <summary>Segment of the current sample. Call once per accepted row.</summary>
    /// <param name="identity">What the counter restarts with (e.g. cycle and step combined).</param>
    /// <param name="restarted">True when the counter fell since the previous row.</param>
    public int Next(long identity, bool restarted)
    {
        if (_started && (identity != _identity || restarted))
        {
            _segment++;
        }

        _started = true;
        _identity = identity;
        return _segment;
    }

    /// <summary>Combines two small integers (e.g. cycle and step) into one identity.</summary>
    public static long Identity(int high, int low) => ((long)high << 32) | (uint)low;
}
