using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>UNSUBACK (MQTT 5.0 §3.11); MQTT 3.1.1 carries only the packet identifier.</summary>
internal sealed class UnsubAckPacket : MqttPacket
{
    private static readonly HashSet<byte> Allowed = [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.UnsubAck;
    /// <summary>Packet identifier of the UNSUBSCRIBE.</summary>
    public ushort PacketId { get; init; }
    /// <summary>Properties: reason string, user properties.</summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
    /// <summary>One code per filter (MQTT 5 only; empty for 3.1.1).</summary>
    public IReadOnlyList<MqttReasonCode> ReasonCodes { get; init; } = [];

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        w.WriteUInt16(PacketId);
        if (version != MqttProtocolVersion.V500) return;
        MqttPropertyCodec.Write(w, Properties);
        foreach (var c in ReasonCodes) w.WriteByte((byte)c);
    }

    /// <summary>Decodes the body (MQTT 5.0 §3.11.2–§3.11.3).</summary>
    public static UnsubAckPacket Decode(ref MqttBufferReader r, MqttProtocolVersion version)
    {
        ushort id = r.ReadUInt16("packet identifier");
        if (id == 0) throw r.ProtocolError("packet identifier 0 ([MQTT-2.2.1-3])");
        if (version != MqttProtocolVersion.V500)
        {
            r.EnsureEnd();
            return new UnsubAckPacket { PacketId = id };
        }
        var props = MqttPropertyCodec.Read(ref r, MqttPropertyContext.UnsubAck);
        var codes = new List<MqttReasonCode>(r.Remaining);
        foreach (byte c in r.ReadToEnd())
        {
            if (!Allowed.Contains(c))
                throw r.Malformed($"0x{c:X2} is not a valid UNSUBACK reason code");
            codes.Add((MqttReasonCode)c);
        }
        if (codes.Count == 0)
            throw r.ProtocolError("UNSUBACK without reason codes (MQTT 5.0 §3.11.3)");
        return new UnsubAckPacket { PacketId = id, Properties = props, ReasonCodes = codes };
    }
}
