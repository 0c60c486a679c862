using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt;

/// <summary>Where an outgoing publication is in its QoS flow (MQTT 5.0 §4.3).</summary>
internal enum PublishStage
{
    /// <summary>In the outbox.</summary>
    Queued,
    /// <summary>PUBLISH sent; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).</summary>
    AwaitingAck,
    /// <summary>PUBREL sent; waiting for PUBCOMP (QoS 2).</summary>
    AwaitingComp,
}

/// <summary>One application message on its way out: in the outbox, then (QoS &gt; 0) in flight until acknowledged.</summary>
internal sealed class OutgoingPublish
{
    /// <summary>Creates the entry; <paramref name="properties"/> are the MQTT 5 PUBLISH properties built from the message.</summary>
    public OutgoingPublish(BusMessage message, MqttProperties properties)
    {
        Message = message;
        Properties = properties;
        Qos = (byte)message.Qos;
        if (Qos > 0)
            Completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The message.</summary>
    public BusMessage Message { get; }
    /// <summary>PUBLISH properties (MQTT 5).</summary>
    public MqttProperties Properties { get; }
    /// <summary>QoS actually used (may be lowered to the broker's Maximum QoS).</summary>
    public byte Qos { get; set; }
    /// <summary>Completed on PUBACK/PUBCOMP; null for QoS 0.</summary>
    public TaskCompletionSource? Completion { get; }
    /// <summary>Packet identifier while in flight.</summary>
    public ushort PacketId { get; set; }
    /// <summary>Flow stage.</summary>
    public PublishStage Stage { get; set; }
    /// <summary>Send order, for re-sending in the original order after a reconnect (MQTT 5.0 §4.6).</summary>
    public long Sequence { get; set; }

    /// <summary>Fails the waiting publisher.</summary>
    public void Fail(Exception error) => Completion?.TrySetException(error);
}
