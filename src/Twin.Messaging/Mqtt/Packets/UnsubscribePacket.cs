using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>UNSUBSCRIBE (MQTT 5.0 §3.10); fixed header flags 0010.</summary>
internal sealed class UnsubscribePacket : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Unsubscribe;
    /// <inheritdoc />
    public override byte Flags => 0x02;
    /// <summary>Packet identifier.</summary>
    public ushort PacketId { get; init; }
    /// <summary>Properties: user properties only.</summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
    /// <summary>The filters (at least one).</summary>
    public required IReadOnlyList<string> Filters { get; init; }

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        w.WriteUInt16(PacketId);
        if (version == MqttProtocolVersion.V500) MqttPropertyCodec.Write(w, Properties);
        foreach (var f in Filters) w.WriteString(f);
    }

    /// <summary>Decodes the body (MQTT 5.0 §3.10.2–§3.10.3).</summary>
    public static UnsubscribePacket Decode(ref MqttBufferReader r, MqttProtocolVersion version)
    {
        ushort id = r.ReadUInt16("packet identifier");
        if (id == 0) throw r.ProtocolError("packet identifier 0 ([MQTT-2.2.1-3])");
        var props = version == MqttProtocolVersion.V500 ? MqttPropertyCodec.Read(ref r, MqttPropertyContext.Unsubscribe) : MqttProperties.Empty;
        var filters = new List<string>();
        while (r.Remaining > 0) filters.Add(r.ReadString("topic filter"));
        if (filters.Count == 0)
            throw r.ProtocolError("UNSUBSCRIBE without topic filters (MQTT 5.0 §3.10.3)");
        return new UnsubscribePacket { PacketId = id, Properties = props, Filters = filters };
    }
}
