using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>PUBACK (MQTT 5.0 §3.4).</summary>
internal sealed class PubAckPacket : PublishResponsePacket
{
    /// <summary>PUBACK reason codes (MQTT 5.0 §3.4.2.1).</summary>
    internal static readonly HashSet<byte> Allowed = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PubAck;
    /// <summary>Decodes the body.</summary>
    public static PubAckPacket Decode(ref MqttBufferReader r, MqttProtocolVersion v)
    {
        var (id, code, props) = ReadFields(ref r, v, Allowed);
        return new PubAckPacket { PacketId = id, ReasonCode = code, Properties = props };
    }
}
