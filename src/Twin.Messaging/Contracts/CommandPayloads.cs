using System.Text.Json.Serialization;

namespace Twin.Messaging.Contracts;

/// <summary>
/// A command to a cell's driver on <c>twin/v1/{site}/{cell}/cmd/{verb}</c> (QoS 1, not retained). Verbs:
/// <c>end-step</c>, <c>abort</c>, <c>set-safe-cutoff</c> (<see cref="Value"/> in V). The reply goes to the MQTT 5
/// response topic with the correlation data, as a <see cref="CommandReply"/>.
/// </summary>
public sealed record CommandPayload
{
    /// <summary>Payload schema version.</summary>
    [JsonPropertyName("schema")] public int Schema { get; init; } = TwinPayloads.SchemaVersion;

    /// <summary>Who sends it (user or client id), for the audit trail.</summary>
    [JsonPropertyName("issuer")] public string Issuer { get; init; } = "";

    /// <summary>Role of the issuer: <c>operator</c>, <c>twin</c> or <c>viewer</c>; checked against the driver's permissions.</summary>
    [JsonPropertyName("role")] public string Role { get; init; } = "";

    /// <summary>Why, in words.</summary>
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    /// <summary>Numeric argument of the verb (unit given by the verb), if any.</summary>
    [JsonPropertyName("value")] public double? Value { get; init; }
}

/// <summary>The driver's answer to a <see cref="CommandPayload"/>.</summary>
public sealed record CommandReply
{
    /// <summary>Payload schema version.</summary>
    [JsonPropertyName("schema")] public int Schema { get; init; } = TwinPayloads.SchemaVersion;

    /// <summary>The verb answered.</summary>
    [JsonPropertyName("verb")] public string Verb { get; init; } = "";

    /// <summary>Whether the command was carried out.</summary>
    [JsonPropertyName("accepted")] public bool Accepted { get; init; }

    /// <summary>What was done, or why it was refused.</summary>
    [JsonPropertyName("message")] public string Message { get; init; } = "";
}

/// <summary>
/// An event of a cell's driver on <c>twin/v1/{site}/{cell}/event</c> (QoS 1, not retained): step start/end,
/// watchdog fallback, interlock trip, link problems, commands, patterns, end of run.
/// </summary>
public sealed record DriverEventPayload
{
    /// <summary>Payload schema version.</summary>
    [JsonPropertyName("schema")] public int Schema { get; init; } = TwinPayloads.SchemaVersion;

    /// <summary>When, ns since the Unix epoch (host clock).</summary>
    [JsonPropertyName("time_unix_ns")] public long TimeUnixNs { get; init; }

    /// <summary>Kind: step_start, step_end, step_skipped, watchdog, interlock, link, command, pattern, output, finished.</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";

    /// <summary>Running protocol step number.</summary>
    [JsonPropertyName("step")] public int Step { get; init; }

    /// <summary>Human-readable text.</summary>
    [JsonPropertyName("message")] public string Message { get; init; } = "";
}
