using Twin.Messaging.Bus;

namespace Twin.Messaging.Mqtt;

/// <summary>When the broker sends retained messages for a new subscription (MQTT 5.0 §3.8.3.1, Retain Handling).</summary>
public enum MqttRetainHandling : byte
{
    /// <summary>0: send retained messages at the time of the subscribe.</summary>
    SendAtSubscribe = 0,
    /// <summary>1: send them only if the subscription did not already exist.</summary>
    SendAtSubscribeIfNew = 1,
    /// <summary>2: do not send retained messages.</summary>
    DoNotSend = 2,
}

/// <summary>Subscription options of one topic filter (MQTT 5.0 §3.8.3.1). With MQTT 3.1.1 only <see cref="Qos"/> applies.</summary>
/// <param name="Qos">Maximum QoS the broker may deliver at.</param>
public sealed record MqttSubscriptionOptions(QualityOfService Qos = QualityOfService.AtLeastOnce)
{
    /// <summary>No Local: do not receive this client's own publications (not allowed on shared subscriptions, [MQTT-3.8.3-4]).</summary>
    public bool NoLocal { get; init; }

    /// <summary>Retain As Published: keep the RETAIN flag of forwarded messages instead of clearing it.</summary>
    public bool RetainAsPublished { get; init; }

    /// <summary>Retain Handling.</summary>
    public MqttRetainHandling RetainHandling { get; init; } = MqttRetainHandling.SendAtSubscribe;

    /// <summary>The subscription options byte.</summary>
    internal byte ToByte() => (byte)((byte)Qos | (NoLocal ? 0x04 : 0) | (RetainAsPublished ? 0x08 : 0) | ((byte)RetainHandling << 4));
}
