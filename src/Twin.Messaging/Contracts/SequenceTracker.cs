using System.Text.Json.Serialization;

namespace Twin.Messaging.Contracts;

/// <summary>What a sample's sequence number and time mean relative to what the cell applied before.</summary>
public enum SequenceVerdict : byte
{
    /// <summary>The next number of the source session (or the cell's first sample): applied.</summary>
    InOrder,
    /// <summary>Later than expected within the sequence window: numbers were skipped (a gap); applied.</summary>
    Gap,
    /// <summary>Already applied (a redelivery): number and time at or before the last applied sample; dropped.</summary>
    Duplicate,
    /// <summary>
    /// The source started numbering again (number at or below the last one, time after the last sample: a restarted
    /// driver counts from 1 again): a new source session, applied and logged.
    /// </summary>
    NewSession,
    /// <summary>The sample continues the source session that was active before the last session change: applied, logged.</summary>
    ResumedSession,
    /// <summary>Outside the expected window (see <see cref="SequenceRejection"/>): not applied, counted, reported.</summary>
    Rejected,
}

/// <summary>Why a sample was rejected by the sequence and time window.</summary>
public enum SequenceRejection : byte
{
    /// <summary>Not rejected.</summary>
    None,
    /// <summary>The sequence number lies more than <see cref="SequenceTracker.Window"/> past the last one of every known session.</summary>
    SeqAhead,
    /// <summary>The sample is older than the cell's last applied sample (time must not run backwards).</summary>
    TimeBackwards,
    /// <summary>The sample lies more than <see cref="SequenceTracker.AheadWindow"/> past both the service's clock and the cell's last sample.</summary>
    TimeAhead,
    /// <summary>The sample fills a gap the session skipped earlier, after later samples were applied (samples apply in order only).</summary>
    OutOfOrder,
}

/// <summary>The tracker's answer for one sample.</summary>
/// <param name="Verdict">What the sample is.</param>
/// <param name="Rejection">Why it was rejected, or <see cref="SequenceRejection.None"/>.</param>
/// <param name="Detail">For a rejection or a session change: one line naming the numbers and what was expected.</param>
public readonly record struct SequenceDecision(SequenceVerdict Verdict, SequenceRejection Rejection = SequenceRejection.None, string? Detail = null)
{
    /// <summary>True when the sample is to be applied.</summary>
    public bool Applies => Verdict is SequenceVerdict.InOrder or SequenceVerdict.Gap or SequenceVerdict.NewSession or SequenceVerdict.ResumedSession;
}

/// <summary>Where one source session stands: its last applied sequence number and that sample's time.</summary>
/// <param name="Seq">Last applied sequence number of the session.</param>
/// <param name="TimeUnixNs">Wire time of that sample, ns since the Unix epoch.</param>
public readonly record struct SourcePosition(long Seq, long TimeUnixNs);

/// <summary>Counts of a cell's sequence bookkeeping.</summary>
/// <param name="Accepted">Samples accepted (applied).</param>
/// <param name="Duplicates">Samples dropped as duplicates (redeliveries).</param>
/// <param name="Gaps">Gaps seen (each skip counts once).</param>
/// <param name="Missing">Sequence numbers missing in the gaps.</param>
/// <param name="Sessions">New source sessions started (a source that numbered again from the start).</param>
/// <param name="Resumed">Returns to the session that was active before the last session change.</param>
public readonly record struct SequenceCounts(
    [property: JsonPropertyName("accepted")] long Accepted,
    [property: JsonPropertyName("duplicates")] long Duplicates,
    [property: JsonPropertyName("gaps")] long Gaps,
    [property: JsonPropertyName("missing")] long Missing,
    [property: JsonPropertyName("sessions")] long Sessions,
    [property: JsonPropertyName("resumed")] long Resumed);

/// <summary>A run of sequence numbers a session skipped (a gap): samples never applied.</summary>
/// <param name="From">First missing number.</param>
/// <param name="To">Last missing number.</param>
public readonly record struct SkippedRange(
    [property: JsonPropertyName("from")] long From,
    [property: JsonPropertyName("to")] long To);

/// <summary>What <see cref="SequenceTracker"/> keeps across a restart.</summary>
/// <param name="Current">The active session's position, or null before the first sample.</param>
/// <param name="Previous">The session active before the last session change, or null.</param>
/// <param name="Skipped">The active session's most recent gaps (at most <see cref="SequenceTracker.SkippedKept"/>), or null for none.</param>
public readonly record struct SequenceState(SourcePosition? Current, SourcePosition? Previous, IReadOnlyList<SkippedRange>? Skipped = null);

/// <summary>
/// A cell's sequence and time window, which one outlier cannot poison: a redelivered sample is dropped, the next
/// samples of the source are applied, and a sample far outside the window — a sequence number more than
/// <see cref="Window"/> ahead, a time before the last applied sample or more than <see cref="AheadWindow"/> ahead of
/// both the clock and the last sample — is rejected with its reason and leaves the window where it was, so it never
/// makes later valid samples vanish. A source that numbers again from the start (a restarted <c>twin drive</c> counts
/// from 1) starts a new session as long as its time moves on; the session active before stays known, so a source
/// interrupted by a foreign sample continues where it was. Not thread-safe; one per cell, under the cell's lock.
/// </summary>
public sealed class SequenceTracker
{
    /// <summary>How far past the last sequence number of a session a sample may be and still continue it: 1,000,000
    /// (more than a broker holds for one cell; see README "What nothing lost means here").</summary>
    public const long Window = 1_000_000;

    /// <summary>How far a sample may lie ahead of both the service's clock and the cell's last sample: 24 h (covers an
    /// instrument clock left on local time in any time zone).</summary>
    public static readonly TimeSpan AheadWindow = TimeSpan.FromHours(24);

    private static readonly long AheadNs = AheadWindow.Ticks * 100;

    /// <summary>Gaps of the active session remembered, so that a sample arriving late into one is not taken for a
    /// redelivery of a stored sample (it is rejected as <see cref="SequenceRejection.OutOfOrder"/>).</summary>
    public const int SkippedKept = 64;

    private SourcePosition? _current;
    private SourcePosition? _previous;
    private readonly List<SkippedRange> _skipped = [];
    private long _accepted, _duplicates, _gaps, _missing, _sessions, _resumed;

    /// <summary>Creates a tracker, resuming from a saved state.</summary>
    /// <param name="state">Saved positions (default: nothing applied yet).</param>
    /// <param name="counts">Counts to continue from (default zero).</param>
    public SequenceTracker(SequenceState state = default, SequenceCounts counts = default)
    {
        _current = state.Current;
        _previous = state.Previous;
        if (state.Skipped is not null) _skipped.AddRange(state.Skipped.TakeLast(SkippedKept));
        (_accepted, _duplicates, _gaps, _missing, _sessions, _resumed) = counts;
    }

    /// <summary>Last applied sequence number (of the active session), or null.</summary>
    public long? LastSeq => _current?.Seq;

    /// <summary>Wire time of the last applied sample, ns since the Unix epoch, or null.</summary>
    public long? LastTimeUnixNs => _current?.TimeUnixNs;

    /// <summary>The positions to save.</summary>
    public SequenceState State => new(_current, _previous, _skipped.Count == 0 ? null : [.. _skipped]);

    /// <summary>The counts so far.</summary>
    public SequenceCounts Counts => new(_accepted, _duplicates, _gaps, _missing, _sessions, _resumed);

    /// <summary>Classifies one sample and records it (<see cref="Classify"/> then <see cref="Record"/>).</summary>
    /// <param name="seq">The sample's sequence number (≥ 0).</param>
    /// <param name="timeUnixNs">The sample's wire time, ns since the Unix epoch.</param>
    /// <param name="nowUnixNs">The service's clock, ns since the Unix epoch.</param>
    /// <returns>The decision.</returns>
    public SequenceDecision Observe(long seq, long timeUnixNs, long nowUnixNs)
    {
        var d = Classify(seq, timeUnixNs, nowUnixNs);
        Record(d, seq, timeUnixNs);
        return d;
    }

    /// <summary>Classifies one sample without recording anything.</summary>
    /// <param name="seq">The sample's sequence number (≥ 0).</param>
    /// <param name="timeUnixNs">The sample's wire time, ns since the Unix epoch.</param>
    /// <param name="nowUnixNs">The service's clock, ns since the Unix epoch.</param>
    /// <returns>The decision; pass it to <see cref="Record"/> (or drop the sample and do not).</returns>
    public SequenceDecision Classify(long seq, long timeUnixNs, long nowUnixNs)
    {
        if (_current is not { } c)
            return timeUnixNs - nowUnixNs > AheadNs ? Ahead(timeUnixNs, nowUnixNs, null) : new SequenceDecision(SequenceVerdict.InOrder);
        long lastTime = c.TimeUnixNs;
        if (timeUnixNs - Math.Max(nowUnixNs, lastTime) > AheadNs) return Ahead(timeUnixNs, nowUnixNs, lastTime);
        var p = _previous;
        bool atOrBeforeKnown = seq <= c.Seq || (p is { } q && seq <= q.Seq);
        if (timeUnixNs <= lastTime && atOrBeforeKnown)
        {
            foreach (var g in _skipped)
                if (seq >= g.From && seq <= g.To)
                    return new SequenceDecision(SequenceVerdict.Rejected, SequenceRejection.OutOfOrder,
                        $"seq {seq} was skipped (gap {g.From}–{g.To}) and arrives after seq {c.Seq}: samples are applied in order only; send a cell's samples one request after the other");
            return new SequenceDecision(SequenceVerdict.Duplicate);
        }
        bool nextOfPrevious = p is { } pp && seq == pp.Seq + 1;
        if (seq == c.Seq + 1 || (Continues(c, seq) && !nextOfPrevious))
        {
            if (timeUnixNs < lastTime) return Backwards(seq, timeUnixNs, lastTime);
            return new SequenceDecision(seq == c.Seq + 1 ? SequenceVerdict.InOrder : SequenceVerdict.Gap);
        }
        if (p is { } prev && Continues(prev, seq))
        {
            if (timeUnixNs < lastTime) return Backwards(seq, timeUnixNs, lastTime);
            return new SequenceDecision(SequenceVerdict.ResumedSession,
                Detail: $"seq {seq} continues the earlier source session (last seq {prev.Seq}); the session that had reached seq {c.Seq} is kept as the previous one");
        }
        if (seq <= c.Seq)
        {
            // A number already passed with a time after the last sample: not a redelivery but a source numbering again.
            return new SequenceDecision(SequenceVerdict.NewSession,
                Detail: $"seq {seq} at or below the last seq {c.Seq} with a later time: the source numbers again; new source session");
        }
        return new SequenceDecision(SequenceVerdict.Rejected, SequenceRejection.SeqAhead,
            $"seq {seq} lies more than {Window:N0} past the last seq {c.Seq}" + (p is { } o ? $" (and the earlier session's {o.Seq})" : "") + $"; expected {c.Seq + 1}");
    }

    /// <summary>Records a classified sample: a duplicate is counted, an applied sample moves its session on, a
    /// rejection changes nothing (it is counted by the caller with its reason).</summary>
    /// <param name="decision">What <see cref="Classify"/> returned for the sample, with nothing recorded in between.</param>
    /// <param name="seq">The sample's sequence number.</param>
    /// <param name="timeUnixNs">The sample's wire time.</param>
    public void Record(in SequenceDecision decision, long seq, long timeUnixNs)
    {
        switch (decision.Verdict)
        {
            case SequenceVerdict.Duplicate:
                _duplicates++;
                return;
            case SequenceVerdict.Rejected:
                return;
            case SequenceVerdict.NewSession:
                _skipped.Clear();
                _previous = _current;
                _current = new SourcePosition(seq, timeUnixNs);
                _accepted++;
                _sessions++;
                return;
            case SequenceVerdict.ResumedSession:
                (_previous, var from) = (_current, _previous!.Value);
                _skipped.Clear();
                _resumed++;
                Advance(from, seq, timeUnixNs);
                return;
            default:
                if (_current is { } c) Advance(c, seq, timeUnixNs);
                else
                {
                    _current = new SourcePosition(seq, timeUnixNs);
                    _accepted++;
                }
                return;
        }
    }

    private static bool Continues(SourcePosition at, long seq) => seq > at.Seq && seq - at.Seq <= Window;

    private void Advance(SourcePosition from, long seq, long timeUnixNs)
    {
        _current = new SourcePosition(seq, timeUnixNs);
        _accepted++;
        if (seq == from.Seq + 1) return;
        _gaps++;
        _missing += seq - from.Seq - 1;
        _skipped.Add(new SkippedRange(from.Seq + 1, seq - 1));
        if (_skipped.Count > SkippedKept) _skipped.RemoveAt(0);
    }

    private static SequenceDecision Backwards(long seq, long timeUnixNs, long lastTime) =>
        new(SequenceVerdict.Rejected, SequenceRejection.TimeBackwards, FormattableString.Invariant(
            $"seq {seq}: time_unix_ns = {timeUnixNs} is {(lastTime - timeUnixNs) / 1e9:0.###} s before the cell's last applied sample ({lastTime}); time must not run backwards"));

    private static SequenceDecision Ahead(long timeUnixNs, long nowUnixNs, long? lastTime) =>
        new(SequenceVerdict.Rejected, SequenceRejection.TimeAhead, FormattableString.Invariant(
            $"time_unix_ns = {timeUnixNs} is {(timeUnixNs - nowUnixNs) / 3.6e12:0.##} h ahead of the service clock") +
            (lastTime is long t ? FormattableString.Invariant($" and {(timeUnixNs - t) / 3.6e12:0.##} h after the cell's last sample") : "") +
            $"; at most {AheadWindow.TotalHours:0} h ahead expected");
}
