using System.Text.Json.Serialization;
using Twin.Core.Cells;

namespace Twin.Service.State;

/// <summary>What the service persists per cell to resume exactly after a restart or a crash.</summary>
/// <param name="Site">Site id.</param>
/// <param name="Cell">Cell id.</param>
/// <param name="LastSeq">Sequence number of the last sample applied; redelivered samples up to it are dropped.</param>
/// <param name="LastTimeUnixNs">Stored time of the last sample applied, ns since the Unix epoch (its wire time, or 1 ns after the
/// previous sample's stored time when the source repeated a timestamp).</param>
/// <param name="Checkpoint">The twin's state.</param>
/// <param name="Generation">Store-wide write counter: of two records of one cell, the higher generation wins.</param>
public sealed record CellStateRecord(
    [property: JsonPropertyName("site")] string Site,
    [property: JsonPropertyName("cell")] string Cell,
    [property: JsonPropertyName("last_seq")] long? LastSeq,
    [property: JsonPropertyName("last_time_unix_ns")] long LastTimeUnixNs,
    [property: JsonPropertyName("checkpoint")] TwinCheckpoint Checkpoint,
    [property: JsonPropertyName("generation")] long Generation = 0)
{
    /// <summary>"site/cell", the record's key.</summary>
    [JsonIgnore] public string Key => Site + "/" + Cell;

    /// <summary>The sequence window (source sessions and counts); null in records written before it existed.</summary>
    [JsonPropertyName("sequence")] public SequenceRecord? Sequence { get; init; }

    /// <summary>The source sessions' charge counters; null in records written before they existed.</summary>
    [JsonPropertyName("counters")] public CounterRecord? Counters { get; init; }

    /// <summary>Rejection counts; null when nothing was rejected or in older records.</summary>
    [JsonPropertyName("rejected")] public RejectedRecord? Rejected { get; init; }

    /// <summary>When the record was taken, service clock, ms since the Unix epoch (0 in older records). Samples the
    /// spool took after it may be missing from the record after a crash; start-up recovers them from the spool.</summary>
    [JsonPropertyName("saved_unix_ms")] public long SavedUnixMs { get; init; }

    /// <summary>True when the record was written by a normal stop, after the cell's last message: nothing in the
    /// spool can be newer, so start-up need not look.</summary>
    [JsonPropertyName("clean_stop")] public bool CleanStop { get; init; }

    /// <summary>Pattern records whose c_Li waits for the samples of their mid-exposure; null when none or in older records.</summary>
    [JsonPropertyName("pending_patterns")] public List<Twin.Messaging.Contracts.PatternRecord>? PendingPatterns { get; init; }

    /// <summary>Ids of the most recent pattern records handled (a redelivered one is not applied twice); null in older records.</summary>
    [JsonPropertyName("pattern_ids")] public List<string>? PatternIds { get; init; }
}

/// <summary>Source-generated JSON for the checkpoint store (NaN and ±∞ as named literals).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(CellStateRecord))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
