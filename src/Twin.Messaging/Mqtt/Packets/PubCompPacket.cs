using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>PUBCOMP (MQTT 5.0 §3.7): QoS 2 delivery part 3.</summary>
internal sealed class PubCompPacket : PublishResponsePacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PubComp;
    /// <summary>Decodes the body (MQTT 5.0 §3.7.2.1).</summary>
    public static PubCompPacket Decode(ref MqttBufferReader r, MqttProtocolVersion v)
    {
        var (id, code, props) = ReadFields(ref r, v, PubRelPacket.Allowed);
        return new PubCompPacket { PacketId = id, ReasonCode = code, Properties = props };
    }
}
