using System.Text.Json.Serialization;

namespace Twin.Messaging.Contracts;

/// <summary>
/// Payload of <c>twin/v1/{site}/{cell}/telemetry</c>: one sample or a batch, with the source's sequence
/// numbers so that gaps and duplicates are detectable (README.md, "Topics and payloads"). Units are spelled in the field names.
/// </summary>
public sealed record TelemetryMessage
{
    /// <summary>Payload schema version; this product writes and reads <see cref="TwinPayloads.SchemaVersion"/>.</summary>
    [JsonPropertyName("schema")] public int Schema { get; init; } = TwinPayloads.SchemaVersion;

    /// <summary>Instrument or file the samples come from, e.g. "maccor-ch1" (a tag in InfluxDB).</summary>
    [JsonPropertyName("instrument")] public string? Instrument { get; init; }

    /// <summary>The samples, in sequence order; 1 to <see cref="TwinPayloads.MaxSamplesPerMessage"/>.</summary>
    [JsonPropertyName("samples")] public List<TelemetrySample> Samples { get; init; } = [];
}

/// <summary>One electrochemical sample on the wire.</summary>
public sealed record TelemetrySample
{
    /// <summary>Source sequence number, strictly increasing per cell and source (0, 1, 2, …).</summary>
    [JsonPropertyName("seq")] public long Seq { get; init; }

    /// <summary>Sample time, ns since the Unix epoch, UTC.</summary>
    [JsonPropertyName("time_unix_ns")] public long TimeUnixNs { get; init; }

    /// <summary>Cell voltage, V. Required.</summary>
    [JsonPropertyName("voltage_V")] public double? VoltageV { get; init; }

    /// <summary>Current, A, positive on charge. Required.</summary>
    [JsonPropertyName("current_A")] public double? CurrentA { get; init; }

    /// <summary>The source's own charge counter, A·h, positive on charge; omitted when the source has none.</summary>
    [JsonPropertyName("charge_Ah")] public double? ChargeAh { get; init; }

    /// <summary>Counter segment: changes whenever the source's counter restarts from zero (e.g. each Maccor step).</summary>
    [JsonPropertyName("counter_segment")] public int CounterSegment { get; init; }

    /// <summary>The source's step number.</summary>
    [JsonPropertyName("step")] public int Step { get; init; }

    /// <summary>The source's cycle number.</summary>
    [JsonPropertyName("cycle")] public int Cycle { get; init; }

    /// <summary>"charge", "discharge", "rest", "other", or omitted when unknown.</summary>
    [JsonPropertyName("kind")] public string? Kind { get; init; }

    /// <summary>Cell temperature, °C, when measured.</summary>
    [JsonPropertyName("temperature_C")] public double? TemperatureC { get; init; }
}
