namespace Twin.Messaging.Bus;

/// <summary>One application message on the bus, as MQTT 5 carries it.</summary>
/// <param name="Topic">Topic name (no wildcards), UTF-8, 1–65535 bytes.</param>
/// <param name="Payload">Payload bytes (JSON UTF-8 for this product's contracts).</param>
/// <param name="Qos">Delivery guarantee.</param>
/// <param name="Retain">Retained message: the broker keeps the last one per topic for new subscribers.</param>
public sealed record BusMessage(string Topic, ReadOnlyMemory<byte> Payload, QualityOfService Qos = QualityOfService.AtLeastOnce, bool Retain = false)
{
    /// <summary>MQTT 5 response topic for request/response (commands), or null.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>MQTT 5 correlation data pairing a response with its request; empty when absent.</summary>
    public ReadOnlyMemory<byte> CorrelationData { get; init; }

    /// <summary>MQTT 5 content type, e.g. "application/json", or null.</summary>
    public string? ContentType { get; init; }

    /// <summary>MQTT 5 message expiry interval in seconds, or null for none.</summary>
    public uint? MessageExpirySeconds { get; init; }

    /// <summary>MQTT 5 user properties (name/value pairs, order kept, names may repeat); empty when none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> UserProperties { get; init; } = [];
}
