using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>AUTH (MQTT 5.0 §3.15): enhanced authentication. Parsed only; this client does not do enhanced authentication.</summary>
internal sealed class AuthPacket : MqttPacket
{
    private static readonly HashSet<byte> Allowed = [0x00, 0x18, 0x19];

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Auth;
    /// <summary>Authenticate reason code.</summary>
    public MqttReasonCode ReasonCode { get; init; }
    /// <summary>Properties: authentication method/data, reason string, user properties.</summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        bool hasProps = MqttPropertyCodec.ContentSize(Properties) > 0;
        if (ReasonCode == MqttReasonCode.Success && !hasProps) return;
        w.WriteByte((byte)ReasonCode);
        MqttPropertyCodec.Write(w, Properties);
    }

    /// <summary>Decodes the body (MQTT 5.0 §3.15.2).</summary>
    public static AuthPacket Decode(ref MqttBufferReader r, MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500)
            throw r.Malformed("packet type 15 is reserved in MQTT 3.1.1");
        if (r.Remaining == 0) return new AuthPacket();
        byte c = r.ReadByte("reason code");
        if (!Allowed.Contains(c))
            throw r.Malformed($"0x{c:X2} is not a valid AUTH reason code");
        var props = r.Remaining > 0 ? MqttPropertyCodec.Read(ref r, MqttPropertyContext.Auth) : MqttProperties.Empty;
        r.EnsureEnd();
        return new AuthPacket { ReasonCode = (MqttReasonCode)c, Properties = props };
    }
}
