namespace Twin.Messaging.Bus;

/// <summary>MQTT delivery guarantee (MQTT 5.0 §4.3).</summary>
public enum QualityOfService : byte
{
    /// <summary>QoS 0: at most once, no acknowledgement.</summary>
    AtMostOnce = 0,
    /// <summary>QoS 1: at least once (PUBLISH/PUBACK); duplicates possible.</summary>
    AtLeastOnce = 1,
    /// <summary>QoS 2: exactly once (PUBLISH/PUBREC/PUBREL/PUBCOMP).</summary>
    ExactlyOnce = 2,
}
