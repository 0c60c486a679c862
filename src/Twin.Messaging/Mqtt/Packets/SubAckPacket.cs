using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>SUBACK (MQTT 5.0 §3.9): one reason code per filter of the SUBSCRIBE, in order.</summary>
internal sealed class SubAckPacket : MqttPacket
{
    private static readonly HashSet<byte> AllowedV5 = [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2];
    private static readonly HashSet<byte> AllowedV311 = [0x00, 0x01, 0x02, 0x80];

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.SubAck;
    /// <summary>Packet identifier of the SUBSCRIBE.</summary>
    public ushort PacketId { get; init; }
    /// <summary>Properties: reason string, user properties.</summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
    /// <summary>Granted QoS (0x00–0x02) or failure code per filter.</summary>
    public required IReadOnlyList<MqttReasonCode> ReasonCodes { get; init; }

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        w.WriteUInt16(PacketId);
        if (version == MqttProtocolVersion.V500) MqttPropertyCodec.Write(w, Properties);
        foreach (var c in ReasonCodes)
            w.WriteByte(version == MqttProtocolVersion.V500 || (byte)c <= 2 ? (byte)c : (byte)0x80);
    }

    /// <summary>Decodes the body (MQTT 5.0 §3.9.2–§3.9.3).</summary>
    public static SubAckPacket Decode(ref MqttBufferReader r, MqttProtocolVersion version)
    {
        ushort id = r.ReadUInt16("packet identifier");
        if (id == 0) throw r.ProtocolError("packet identifier 0 ([MQTT-2.2.1-3])");
        var props = version == MqttProtocolVersion.V500 ? MqttPropertyCodec.Read(ref r, MqttPropertyContext.SubAck) : MqttProperties.Empty;
        var allowed = version == MqttProtocolVersion.V500 ? AllowedV5 : AllowedV311;
        var codes = new List<MqttReasonCode>(r.Remaining);
        foreach (byte c in r.ReadToEnd())
        {
            if (!allowed.Contains(c))
                throw r.Malformed($"0x{c:X2} is not a valid SUBACK reason code");
            codes.Add((MqttReasonCode)c);
        }
        if (codes.Count == 0)
            throw r.ProtocolError("SUBACK without reason codes (MQTT 5.0 §3.9.3)");
        return new SubAckPacket { PacketId = id, Properties = props, ReasonCodes = codes };
    }
}
