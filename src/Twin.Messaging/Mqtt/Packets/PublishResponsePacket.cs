using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>
/// Common layout of PUBACK, PUBREC, PUBREL and PUBCOMP (MQTT 5.0 §3.4–§3.7): packet identifier, then (MQTT 5) a
/// reason code and properties, both omitted when the code is 0x00 and there are no properties (MQTT 5.0 §3.4.2.1).
/// </summary>
internal abstract class PublishResponsePacket : MqttPacket
{
    /// <summary>Packet identifier of the PUBLISH being answered.</summary>
    public ushort PacketId { get; init; }
    /// <summary>Reason code (MQTT 5; always Success in 3.1.1).</summary>
    public MqttReasonCode ReasonCode { get; init; }
    /// <summary>Properties: reason string and user properties.</summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        w.WriteUInt16(PacketId);
        if (version != MqttProtocolVersion.V500)
            return;
        bool hasProps = MqttPropertyCodec.ContentSize(Properties) > 0;
        if (ReasonCode == MqttReasonCode.Success && !hasProps)
            return;
        w.WriteByte((byte)ReasonCode);
        if (hasProps) MqttPropertyCodec.Write(w, Properties);
    }

    /// <summary>Reads the common fields; <paramref name="allowed"/> lists the valid reason codes.</summary>
    protected static (ushort Id, MqttReasonCode Code, MqttProperties Props) ReadFields(ref MqttBufferReader r, MqttProtocolVersion version, HashSet<byte> allowed)
    {
        ushort id = r.ReadUInt16("packet identifier");
        if (id == 0)
            throw r.ProtocolError("packet identifier 0 ([MQTT-2.2.1-3])");
        var code = MqttReasonCode.Success;
        var props = MqttProperties.Empty;
        if (version == MqttProtocolVersion.V500 && r.Remaining > 0)
        {
            byte c = r.ReadByte("reason code");
            if (!allowed.Contains(c))
                throw r.Malformed($"0x{c:X2} is not a valid reason code for {r.PacketName}");
            code = (MqttReasonCode)c;
            if (r.Remaining > 0)
                props = MqttPropertyCodec.Read(ref r, MqttPropertyContext.PublishResponse);
        }
        r.EnsureEnd();
        return (id, code, props);
    }

    /// <inheritdoc />
    public override string ToString() => $"{base.ToString()} id {PacketId} {MqttReasonCodes.Describe(ReasonCode)}";
}
