using System.Text.Json.Serialization;
using Twin.Messaging.Contracts;

namespace Twin.Service.State;

/// <summary>A source session's position in a checkpoint.</summary>
/// <param name="Seq">Last applied sequence number.</param>
/// <param name="TimeUnixNs">Wire time of that sample, ns since the Unix epoch.</param>
public sealed record PositionRecord(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("time_unix_ns")] long TimeUnixNs)
{
    /// <summary>As the tracker's position.</summary>
    /// <returns>The position.</returns>
    public SourcePosition ToPosition() => new(Seq, TimeUnixNs);

    /// <summary>From a tracker position.</summary>
    /// <param name="p">The position, or null.</param>
    /// <returns>The record, or null.</returns>
    public static PositionRecord? From(SourcePosition? p) => p is { } v ? new(v.Seq, v.TimeUnixNs) : null;
}

/// <summary>A cell's sequence window and counts in a checkpoint.</summary>
/// <param name="Current">The active source session.</param>
/// <param name="Previous">The session active before the last session change, or null.</param>
/// <param name="Counts">Counts since the cell's first sample.</param>
/// <param name="Skipped">The active session's recent gaps, or null.</param>
public sealed record SequenceRecord(
    [property: JsonPropertyName("current")] PositionRecord? Current,
    [property: JsonPropertyName("previous")] PositionRecord? Previous,
    [property: JsonPropertyName("counts")] SequenceCounts Counts,
    [property: JsonPropertyName("skipped")] IReadOnlyList<SkippedRange>? Skipped = null);

/// <summary>
/// One source session's charge counter as the twin service follows it (see the ingest's counter continuity): the
/// last value and segment the source sent, the offset that maps its counter onto the twin's single counter, and its
/// last current and time for the plausibility check of a counter restart.
/// </summary>
/// <param name="LastCounterAh">The source's last counter value, A·h; NaN when it sent none.</param>
/// <param name="LastSegment">The source's last counter segment.</param>
/// <param name="OffsetAh">Added to the source's counter to give the counter the twin sees, A·h.</param>
/// <param name="LastCurrentA">The source's last current, A.</param>
/// <param name="LastTimeUnixNs">The source's last sample time, ns since the Unix epoch.</param>
/// <param name="Known">False until the session's first sample.</param>
public readonly record struct SourceCounterState(
    [property: JsonPropertyName("last_counter_Ah")] double LastCounterAh,
    [property: JsonPropertyName("last_segment")] int LastSegment,
    [property: JsonPropertyName("offset_Ah")] double OffsetAh,
    [property: JsonPropertyName("last_current_A")] double LastCurrentA,
    [property: JsonPropertyName("last_time_unix_ns")] long LastTimeUnixNs,
    [property: JsonPropertyName("known")] bool Known);

/// <summary>The counters of the active and the previous source session in a checkpoint.</summary>
/// <param name="Current">The active session.</param>
/// <param name="Previous">The previous session (<see cref="SourceCounterState.Known"/> false when none).</param>
public sealed record CounterRecord(
    [property: JsonPropertyName("current")] SourceCounterState Current,
    [property: JsonPropertyName("previous")] SourceCounterState Previous);

/// <summary>A cell's rejection counts in a checkpoint, by reason name.</summary>
/// <param name="Messages">Whole messages rejected.</param>
/// <param name="Samples">Single samples rejected.</param>
public sealed record RejectedRecord(
    [property: JsonPropertyName("messages")] Dictionary<string, long> Messages,
    [property: JsonPropertyName("samples")] Dictionary<string, long> Samples);
