using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>CONNACK (MQTT 5.0 §3.2, MQTT 3.1.1 §3.2).</summary>
internal sealed class ConnAckPacket : MqttPacket
{
    private static readonly HashSet<byte> AllowedV5 =
        [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F];

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.ConnAck;
    /// <summary>Session Present flag (MQTT 5.0 §3.2.2.1.1).</summary>
    public bool SessionPresent { get; init; }
    /// <summary>Connect reason code; MQTT 3.1.1 return codes are mapped onto MQTT 5 codes.</summary>
    public MqttReasonCode ReasonCode { get; init; }
    /// <summary>True when a CONNACK answering an MQTT 5 CONNECT had the MQTT 3.1.1 layout (no properties).</summary>
    public bool IsV311Layout { get; init; }
    /// <summary>CONNACK properties (MQTT 5 only).</summary>
    public MqttProperties Properties { get; init; } = new();

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        w.WriteByte(SessionPresent ? (byte)1 : (byte)0);
        if (version == MqttProtocolVersion.V500)
        {
            w.WriteByte((byte)ReasonCode);
            MqttPropertyCodec.Write(w, Properties);
        }
        else
        {
            w.WriteByte(ReasonCode switch
            {
                MqttReasonCode.Success => 0,
                MqttReasonCode.UnsupportedProtocolVersion => 1,
                MqttReasonCode.ClientIdentifierNotValid => 2,
                MqttReasonCode.BadUserNameOrPassword => 4,
                MqttReasonCode.NotAuthorized => 5,
                _ => 3,
            });
        }
    }

    /// <summary>Decodes the body (MQTT 5.0 §3.2.2).</summary>
    public static ConnAckPacket Decode(ref MqttBufferReader r, MqttProtocolVersion version)
    {
        byte ackFlags = r.ReadByte("acknowledge flags");
        if ((ackFlags & 0xFE) != 0)
            throw r.Malformed($"reserved acknowledge flag bits set (0x{ackFlags:X2}, MQTT 5.0 §3.2.2.1)");
        byte code = r.ReadByte("reason code");
        // A 3.1.1 server answers an MQTT 5 CONNECT with a 2-byte CONNACK (return code 1): MQTT 3.1.1 §3.1.2.2.
        if (version == MqttProtocolVersion.V311 || r.Remaining == 0)
        {
            var mapped = MqttReasonCodes.FromV311ConnectReturnCode(code)
                ?? throw r.Malformed($"CONNACK return code {code} is reserved (MQTT 3.1.1 §3.2.2.3)");
            r.EnsureEnd();
            if (mapped != MqttReasonCode.Success && (ackFlags & 1) != 0)
                throw r.Malformed("session present set with a non-zero return code (MQTT 3.1.1 §3.2.2.2)");
            return new ConnAckPacket { SessionPresent = (ackFlags & 1) != 0, ReasonCode = mapped, IsV311Layout = version == MqttProtocolVersion.V500 };
        }
        if (!AllowedV5.Contains(code))
            throw r.Malformed($"0x{code:X2} is not a CONNACK reason code (MQTT 5.0 §3.2.2.2)");
        if (code >= 0x80 && (ackFlags & 1) != 0)
            throw r.Malformed("session present set with an error reason code (MQTT 5.0 §3.2.2.1.1)");
        var props = MqttPropertyCodec.Read(ref r, MqttPropertyContext.ConnAck);
        r.EnsureEnd();
        return new ConnAckPacket { SessionPresent = (ackFlags & 1) != 0, ReasonCode = (MqttReasonCode)code, Properties = props };
    }
}
