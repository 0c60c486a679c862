using Twin.Messaging.Bus;

namespace Twin.Messaging.Mqtt;

/// <summary>What the broker granted in its CONNACK (MQTT 5.0 §3.2.2.3); MQTT 3.1.1 brokers get the defaults.</summary>
public sealed record MqttConnectResult
{
    /// <summary>Protocol version in use on this connection.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; }
    /// <summary>The broker resumed an existing session (MQTT 5.0 §3.2.2.1.1).</summary>
    public bool SessionPresent { get; init; }
    /// <summary>Client identifier in use (the assigned one when the broker assigned it).</summary>
    public string ClientId { get; init; } = "";
    /// <summary>Session expiry in force (the broker may override the requested one).</summary>
    public uint SessionExpiryInterval { get; init; }
    /// <summary>Keep alive in force, seconds (Server Keep Alive overrides the requested one, MQTT 5.0 §3.2.2.3.14).</summary>
    public ushort KeepAliveSeconds { get; init; }
    /// <summary>Broker's Receive Maximum: QoS 1/2 publications it accepts unacknowledged (65535 when absent).</summary>
    public ushort ReceiveMaximum { get; init; } = ushort.MaxValue;
    /// <summary>Highest QoS the broker accepts from us.</summary>
    public QualityOfService MaximumQos { get; init; } = QualityOfService.ExactlyOnce;
    /// <summary>Whether the broker accepts retained messages.</summary>
    public bool RetainAvailable { get; init; } = true;
    /// <summary>Broker's maximum packet size in bytes, or null when unlimited.</summary>
    public uint? MaximumPacketSize { get; init; }
    /// <summary>Largest topic alias the broker accepts from us (0 = none).</summary>
    public ushort TopicAliasMaximum { get; init; }
    /// <summary>Whether wildcard subscriptions are available.</summary>
    public bool WildcardSubscriptionAvailable { get; init; } = true;
    /// <summary>Whether subscription identifiers are available.</summary>
    public bool SubscriptionIdentifiersAvailable { get; init; } = true;
    /// <summary>Whether shared subscriptions are available.</summary>
    public bool SharedSubscriptionAvailable { get; init; } = true;
    /// <summary>Response Information (MQTT 5.0 §3.2.2.3.15), or null.</summary>
    public string? ResponseInformation { get; init; }
    /// <summary>Reason string, or null.</summary>
    public string? ReasonString { get; init; }
    /// <summary>User properties of the CONNACK.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> UserProperties { get; init; } = [];
}
