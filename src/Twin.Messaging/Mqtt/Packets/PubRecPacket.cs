using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>PUBREC (MQTT 5.0 §3.5): QoS 2 delivery part 1.</summary>
internal sealed class PubRecPacket : PublishResponsePacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PubRec;
    /// <summary>Decodes the body; reason codes as PUBACK (MQTT 5.0 §3.5.2.1).</summary>
    public static PubRecPacket Decode(ref MqttBufferReader r, MqttProtocolVersion v)
    {
        var (id, code, props) = ReadFields(ref r, v, PubAckPacket.Allowed);
        return new PubRecPacket { PacketId = id, ReasonCode = code, Properties = props };
    }
}
