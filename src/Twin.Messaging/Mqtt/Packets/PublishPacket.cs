using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>PUBLISH (MQTT 5.0 §3.3, MQTT 3.1.1 §3.3).</summary>
internal sealed class PublishPacket : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Publish;
    /// <summary>Topic name; empty when a Topic Alias stands for it (MQTT 5.0 §3.3.2.3.4).</summary>
    public string Topic { get; init; } = "";
    /// <summary>Application payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }
    /// <summary>QoS 0–2.</summary>
    public byte Qos { get; init; }
    /// <summary>RETAIN flag (MQTT 5.0 §3.3.1.3).</summary>
    public bool Retain { get; init; }
    /// <summary>DUP flag: a re-delivery (MQTT 5.0 §3.3.1.1).</summary>
    public bool Dup { get; init; }
    /// <summary>Packet identifier, QoS &gt; 0 only.</summary>
    public ushort PacketId { get; init; }
    /// <summary>PUBLISH properties (MQTT 5 only).</summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;

    /// <inheritdoc />
    public override byte Flags => (byte)((Dup ? 0x08 : 0) | (Qos << 1) | (Retain ? 1 : 0));

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        w.WriteString(Topic);
        if (Qos > 0) w.WriteUInt16(PacketId);
        if (version == MqttProtocolVersion.V500) MqttPropertyCodec.Write(w, Properties);
        w.Write(Payload.Span);
    }

    /// <summary>Decodes a PUBLISH (MQTT 5.0 §3.3.1–§3.3.3).</summary>
    public static PublishPacket Decode(ref MqttBufferReader r, byte flags, MqttProtocolVersion version)
    {
        byte qos = (byte)((flags >> 1) & 3);
        if (qos == 3)
            throw r.Malformed("QoS 3 (MQTT 5.0 §3.3.1.2, [MQTT-3.3.1-4])");
        bool dup = (flags & 0x08) != 0;
        if (dup && qos == 0)
            throw r.Malformed("DUP flag set on a QoS 0 message ([MQTT-3.3.1-2])");
        string topic = r.ReadString("topic name");
        if (topic.AsSpan().IndexOfAny('+', '#') >= 0)
            throw r.ProtocolError($"topic name '{topic}' contains a wildcard ([MQTT-3.3.2-2])");
        ushort packetId = 0;
        if (qos > 0)
        {
            packetId = r.ReadUInt16("packet identifier");
            if (packetId == 0)
                throw r.ProtocolError("packet identifier 0 ([MQTT-2.2.1-3])");
        }
        MqttProperties props = MqttProperties.Empty;
        if (version == MqttProtocolVersion.V500)
            props = MqttPropertyCodec.Read(ref r, MqttPropertyContext.Publish);
        else if (topic.Length == 0)
            throw r.ProtocolError("empty topic name (MQTT 3.1.1 §4.7.3)");
        byte[] payload = r.ReadToEnd().ToArray();
        return new PublishPacket { Topic = topic, Payload = payload, Qos = qos, Retain = (flags & 1) != 0, Dup = dup, PacketId = packetId, Properties = props };
    }

    /// <inheritdoc />
    public override string ToString() => $"PUBLISH '{Topic}' q{Qos}{(Retain ? " r" : "")}{(Dup ? " dup" : "")} id {PacketId} ({Payload.Length} bytes)";
}
