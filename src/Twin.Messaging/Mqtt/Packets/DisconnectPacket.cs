using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>DISCONNECT (MQTT 5.0 §3.14), sent by either side in MQTT 5; client only and empty in 3.1.1.</summary>
internal sealed class DisconnectPacket : MqttPacket
{
    private static readonly HashSet<byte> Allowed =
    [
        0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
        0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
    ];

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Disconnect;
    /// <summary>Disconnect reason code (MQTT 5.0 §3.14.2.1).</summary>
    public MqttReasonCode ReasonCode { get; init; }
    /// <summary>Properties: session expiry (client only), reason string, server reference, user properties.</summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500) return;
        bool hasProps = MqttPropertyCodec.ContentSize(Properties) > 0;
        if (ReasonCode == MqttReasonCode.Success && !hasProps) return;
        w.WriteByte((byte)ReasonCode);
        if (hasProps) MqttPropertyCodec.Write(w, Properties);
    }

    /// <summary>Decodes the body; remaining length 0 means normal disconnection (MQTT 5.0 §3.14.2.1).</summary>
    public static DisconnectPacket Decode(ref MqttBufferReader r, MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500)
        {
            r.EnsureEnd();
            return new DisconnectPacket();
        }
        if (r.Remaining == 0) return new DisconnectPacket();
        byte c = r.ReadByte("reason code");
        if (!Allowed.Contains(c))
            throw r.Malformed($"0x{c:X2} is not a valid DISCONNECT reason code");
        var props = r.Remaining > 0 ? MqttPropertyCodec.Read(ref r, MqttPropertyContext.Disconnect) : MqttProperties.Empty;
        r.EnsureEnd();
        return new DisconnectPacket { ReasonCode = (MqttReasonCode)c, Properties = props };
    }

    /// <inheritdoc />
    public override string ToString() => $"DISCONNECT {MqttReasonCodes.Describe(ReasonCode)}";
}
