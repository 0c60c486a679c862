namespace Twin.Service.Ingest;

/// <summary>
/// A cell's record of rejected telemetry: counts per reason (messages and samples apart), the latest rejection, and
/// when each reason may be logged again, so that a flood of bad input costs one log line per reason and
/// <see cref="LogInterval"/> while every rejection is counted. Not thread-safe; used under the cell's lock.
/// </summary>
public sealed class RejectionLedger
{
    /// <summary>Least time between two log lines of one cell and reason.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly Dictionary<RejectionReason, long> _messages = [];
    private readonly Dictionary<RejectionReason, long> _samples = [];
    private readonly LogThrottle _log = new(LogInterval);
    private RejectionNote? _last;
    private RejectionCounts? _frozen = RejectionCounts.None;

    /// <summary>Creates the ledger, continuing from saved counts.</summary>
    /// <param name="saved">Counts saved in the cell's checkpoint, or null.</param>
    public RejectionLedger(RejectionCounts? saved = null)
    {
        if (saved is null) return;
        foreach (var (r, n) in saved.Messages) _messages[r] = n;
        foreach (var (r, n) in saved.Samples) _samples[r] = n;
        _last = saved.Last;
        _frozen = null;
    }

    /// <summary>Records a rejected message.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="detail">What was wrong.</param>
    /// <param name="nowUnixNs">Service clock.</param>
    /// <returns>The number of rejections of this reason to report in a log line now (this one and those suppressed since the last line), or 0 to stay quiet.</returns>
    public long RecordMessage(RejectionReason reason, string detail, long nowUnixNs) => Record(_messages, reason, detail, nowUnixNs);

    /// <summary>Records a rejected sample.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="detail">What was wrong.</param>
    /// <param name="nowUnixNs">Service clock.</param>
    /// <returns>As for <see cref="RecordMessage"/>.</returns>
    public long RecordSample(RejectionReason reason, string detail, long nowUnixNs) => Record(_samples, reason, detail, nowUnixNs);

    /// <summary>The counts now (the same object until the next rejection).</summary>
    public RejectionCounts Counts => _frozen ??= new RejectionCounts(new Dictionary<RejectionReason, long>(_messages), new Dictionary<RejectionReason, long>(_samples), _last);

    private long Record(Dictionary<RejectionReason, long> into, RejectionReason reason, string detail, long nowUnixNs)
    {
        into[reason] = into.GetValueOrDefault(reason) + 1;
        _last = new RejectionNote(nowUnixNs, reason, detail);
        _frozen = null;
        return _log.Pass(reason.Name(), nowUnixNs);
    }
}
