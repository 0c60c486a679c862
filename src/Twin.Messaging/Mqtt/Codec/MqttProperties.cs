namespace Twin.Messaging.Mqtt.Codec;

/// <summary>
/// The MQTT 5.0 properties of one packet (MQTT 5.0 §2.2.2). Null means "absent". Which ones a packet may carry is
/// checked by <see cref="MqttPropertyCodec"/>.
/// </summary>
internal sealed class MqttProperties
{
    /// <summary>Shared empty instance; never mutate it.</summary>
    public static readonly MqttProperties Empty = new();

    /// <summary>0x01 (MQTT 5.0 §3.3.2.3.2).</summary>
    public byte? PayloadFormatIndicator { get; set; }
    /// <summary>0x02 (MQTT 5.0 §3.3.2.3.3).</summary>
    public uint? MessageExpiryInterval { get; set; }
    /// <summary>0x03 (MQTT 5.0 §3.3.2.3.9).</summary>
    public string? ContentType { get; set; }
    /// <summary>0x08 (MQTT 5.0 §3.3.2.3.5).</summary>
    public string? ResponseTopic { get; set; }
    /// <summary>0x09 (MQTT 5.0 §3.3.2.3.6).</summary>
    public byte[]? CorrelationData { get; set; }
    /// <summary>0x0B; PUBLISH may carry several (MQTT 5.0 §3.3.2.3.8), SUBSCRIBE one (§3.8.2.1.2).</summary>
    public List<int>? SubscriptionIdentifiers { get; set; }
    /// <summary>0x11 (MQTT 5.0 §3.1.2.11.2).</summary>
    public uint? SessionExpiryInterval { get; set; }
    /// <summary>0x12 (MQTT 5.0 §3.2.2.3.7).</summary>
    public string? AssignedClientIdentifier { get; set; }
    /// <summary>0x13 (MQTT 5.0 §3.2.2.3.14).</summary>
    public ushort? ServerKeepAlive { get; set; }
    /// <summary>0x15 (MQTT 5.0 §3.1.2.11.9).</summary>
    public string? AuthenticationMethod { get; set; }
    /// <summary>0x16 (MQTT 5.0 §3.1.2.11.10).</summary>
    public byte[]? AuthenticationData { get; set; }
    /// <summary>0x17 (MQTT 5.0 §3.1.2.11.7).</summary>
    public byte? RequestProblemInformation { get; set; }
    /// <summary>0x18 (MQTT 5.0 §3.1.3.2.2).</summary>
    public uint? WillDelayInterval { get; set; }
    /// <summary>0x19 (MQTT 5.0 §3.1.2.11.6).</summary>
    public byte? RequestResponseInformation { get; set; }
    /// <summary>0x1A (MQTT 5.0 §3.2.2.3.15).</summary>
    public string? ResponseInformation { get; set; }
    /// <summary>0x1C (MQTT 5.0 §3.2.2.3.16, §4.11).</summary>
    public string? ServerReference { get; set; }
    /// <summary>0x1F (MQTT 5.0 §3.2.2.3.9).</summary>
    public string? ReasonString { get; set; }
    /// <summary>0x21 (MQTT 5.0 §3.1.2.11.3, §3.2.2.3.3).</summary>
    public ushort? ReceiveMaximum { get; set; }
    /// <summary>0x22 (MQTT 5.0 §3.1.2.11.5, §3.2.2.3.8).</summary>
    public ushort? TopicAliasMaximum { get; set; }
    /// <summary>0x23 (MQTT 5.0 §3.3.2.3.4).</summary>
    public ushort? TopicAlias { get; set; }
    /// <summary>0x24 (MQTT 5.0 §3.2.2.3.4).</summary>
    public byte? MaximumQos { get; set; }
    /// <summary>0x25 (MQTT 5.0 §3.2.2.3.5).</summary>
    public byte? RetainAvailable { get; set; }
    /// <summary>0x26, order kept, names may repeat (MQTT 5.0 §3.3.2.3.7).</summary>
    public List<KeyValuePair<string, string>>? UserProperties { get; set; }
    /// <summary>0x27 (MQTT 5.0 §3.1.2.11.4, §3.2.2.3.6).</summary>
    public uint? MaximumPacketSize { get; set; }
    /// <summary>0x28 (MQTT 5.0 §3.2.2.3.11).</summary>
    public byte? WildcardSubscriptionAvailable { get; set; }
    /// <summary>0x29 (MQTT 5.0 §3.2.2.3.12).</summary>
    public byte? SubscriptionIdentifierAvailable { get; set; }
    /// <summary>0x2A (MQTT 5.0 §3.2.2.3.13).</summary>
    public byte? SharedSubscriptionAvailable { get; set; }
}
