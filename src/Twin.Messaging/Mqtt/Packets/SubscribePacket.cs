using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>One topic filter of a SUBSCRIBE with its Subscription Options byte (MQTT 5.0 §3.8.3.1).</summary>
/// <param name="Filter">Topic filter.</param>
/// <param name="Options">Bits 0–1 maximum QoS, bit 2 No Local, bit 3 Retain As Published, bits 4–5 Retain Handling.</param>
internal readonly record struct MqttTopicSubscription(string Filter, byte Options)
{
    /// <summary>Maximum QoS requested.</summary>
    public byte Qos => (byte)(Options & 3);
}

/// <summary>SUBSCRIBE (MQTT 5.0 §3.8); fixed header flags 0010.</summary>
internal sealed class SubscribePacket : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Subscribe;
    /// <inheritdoc />
    public override byte Flags => 0x02;
    /// <summary>Packet identifier.</summary>
    public ushort PacketId { get; init; }
    /// <summary>Properties: at most one subscription identifier, user properties.</summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
    /// <summary>The filters (at least one).</summary>
    public required IReadOnlyList<MqttTopicSubscription> Subscriptions { get; init; }

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        w.WriteUInt16(PacketId);
        if (version == MqttProtocolVersion.V500) MqttPropertyCodec.Write(w, Properties);
        foreach (var s in Subscriptions)
        {
            w.WriteString(s.Filter);
            w.WriteByte(version == MqttProtocolVersion.V500 ? s.Options : (byte)(s.Options & 3));
        }
    }

    /// <summary>Decodes the body (MQTT 5.0 §3.8.2–§3.8.3).</summary>
    public static SubscribePacket Decode(ref MqttBufferReader r, MqttProtocolVersion version)
    {
        ushort id = r.ReadUInt16("packet identifier");
        if (id == 0) throw r.ProtocolError("packet identifier 0 ([MQTT-2.2.1-3])");
        var props = MqttProperties.Empty;
        if (version == MqttProtocolVersion.V500)
        {
            props = MqttPropertyCodec.Read(ref r, MqttPropertyContext.Subscribe);
        }
        var list = new List<MqttTopicSubscription>();
        while (r.Remaining > 0)
        {
            string filter = r.ReadString("topic filter");
            byte o = r.ReadByte("subscription options");
            if ((o & 3) == 3) throw r.Malformed("subscription QoS 3 ([MQTT-3-8.3-4])");
            if (version == MqttProtocolVersion.V311 && (o & 0xFC) != 0)
                throw r.Malformed("reserved subscription option bits set (MQTT 3.1.1 §3.8.3.1)");
            if ((o & 0xC0) != 0) throw r.Malformed("reserved subscription option bits 6-7 set (MQTT 5.0 §3.8.3.1)");
            if (((o >> 4) & 3) == 3) throw r.ProtocolError("retain handling 3 (MQTT 5.0 §3.8.3.1)");
            list.Add(new MqttTopicSubscription(filter, o));
        }
        if (list.Count == 0)
            throw r.ProtocolError("SUBSCRIBE without topic filters (MQTT 5.0 §3.8.3)");
        return new SubscribePacket { PacketId = id, Properties = props, Subscriptions = list };
    }
}
