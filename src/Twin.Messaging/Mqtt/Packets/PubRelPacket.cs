using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>PUBREL (MQTT 5.0 §3.6): QoS 2 delivery part 2; fixed header flags 0010.</summary>
internal sealed class PubRelPacket : PublishResponsePacket
{
    /// <summary>PUBREL/PUBCOMP reason codes (MQTT 5.0 §3.6.2.1).</summary>
    internal static readonly HashSet<byte> Allowed = [0x00, 0x92];
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PubRel;
    /// <inheritdoc />
    public override byte Flags => 0x02;
    /// <summary>Decodes the body.</summary>
    public static PubRelPacket Decode(ref MqttBufferReader r, MqttProtocolVersion v)
    {
        var (id, code, props) = ReadFields(ref r, v, Allowed);
        return new PubRelPacket { PacketId = id, ReasonCode = code, Properties = props };
    }
}
