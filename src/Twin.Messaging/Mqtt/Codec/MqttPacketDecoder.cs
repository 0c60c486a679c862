using System.Buffers;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Mqtt.Codec;

/// <summary>
/// Splits a byte stream into MQTT packets: fixed header (MQTT 5.0 §2.1), remaining length as a Variable Byte
/// Integer, then the body. Never buffers more than <see cref="MaximumPacketSize"/>: a larger remaining length is
/// rejected with 0x95 Packet too large as soon as the header is read (MQTT 5.0 §3.1.2.11.4).
/// </summary>
internal sealed class MqttPacketDecoder
{
    /// <summary>Creates a decoder.</summary>
    public MqttPacketDecoder(MqttProtocolVersion version, int maximumPacketSize)
    {
        Version = version;
        MaximumPacketSize = maximumPacketSize;
    }

    /// <summary>Protocol version of the connection (changes the layout of most packets).</summary>
    public MqttProtocolVersion Version { get; set; }

    /// <summary>Largest whole packet accepted, fixed header included.</summary>
    public int MaximumPacketSize { get; set; }

    /// <summary>
    /// Decodes one packet from the start of <paramref name="buffer"/>. Returns false when more bytes are needed;
    /// otherwise <paramref name="consumed"/> is the end of the packet.
    /// </summary>
    /// <exception cref="MqttProtocolException">The bytes are not a valid packet.</exception>
    public bool TryDecode(in ReadOnlySequence<byte> buffer, out MqttPacket? packet, out SequencePosition consumed)
    {
        packet = null;
        consumed = buffer.Start;
        if (buffer.IsEmpty) return false;
        var reader = new SequenceReader<byte>(buffer);
        reader.TryRead(out byte header);
        var type = (MqttPacketType)(header >> 4);
        int flags = header & 0x0F;
        CheckFixedHeader(type, flags);

        int remaining = 0;
        for (int i = 0; ; i++)
        {
            if (i == 4)
                throw new MqttProtocolException(MqttReasonCode.MalformedPacket, $"malformed {Name(type)}: remaining length is longer than 4 bytes (MQTT 5.0 §1.5.5)");
            if (!reader.TryRead(out byte b)) return false;
            remaining |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) break;
        }
        long total = reader.Consumed + (long)remaining;
        if (total > MaximumPacketSize)
            throw new MqttProtocolException(MqttReasonCode.PacketTooLarge,
                $"{Name(type)} of {total} bytes exceeds the maximum packet size of {MaximumPacketSize} bytes");
        if (reader.Remaining < remaining) return false;

        var body = buffer.Slice(reader.Position, remaining);
        consumed = body.End;
        if (body.IsSingleSegment)
        {
            packet = DecodeBody(type, (byte)flags, body.FirstSpan);
        }
        else
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent(remaining);
            try
            {
                body.CopyTo(rented);
                packet = DecodeBody(type, (byte)flags, rented.AsSpan(0, remaining));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        return true;
    }

    /// <summary>Reserved flag bits must have their specified values (MQTT 5.0 §2.1.3, table 2-2).</summary>
    private void CheckFixedHeader(MqttPacketType type, int flags)
    {
        if (type == 0)
            throw new MqttProtocolException(MqttReasonCode.MalformedPacket, "malformed packet: control packet type 0 is reserved (MQTT 5.0 §2.1.2)");
        if (type == MqttPacketType.Auth && Version != MqttProtocolVersion.V500)
            throw new MqttProtocolException(MqttReasonCode.MalformedPacket, "malformed packet: control packet type 15 is reserved in MQTT 3.1.1");
        int expected = type switch
        {
            MqttPacketType.Publish => -1,
            MqttPacketType.PubRel or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe => 2,
            _ => 0,
        };
        if (expected >= 0 && flags != expected)
            throw new MqttProtocolException(MqttReasonCode.MalformedPacket,
                $"malformed {Name(type)}: fixed header flags 0x{flags:X} should be 0x{expected:X} (MQTT 5.0 §2.1.3)");
    }

    private MqttPacket DecodeBody(MqttPacketType type, byte flags, ReadOnlySpan<byte> body)
    {
        var r = new MqttBufferReader(body, Name(type));
        switch (type)
        {
            case MqttPacketType.Connect: return ConnectPacket.Decode(ref r);
            case MqttPacketType.ConnAck: return ConnAckPacket.Decode(ref r, Version);
            case MqttPacketType.Publish: return PublishPacket.Decode(ref r, flags, Version);
            case MqttPacketType.PubAck: return PubAckPacket.Decode(ref r, Version);
            case MqttPacketType.PubRec: return PubRecPacket.Decode(ref r, Version);
            case MqttPacketType.PubRel: return PubRelPacket.Decode(ref r, Version);
            case MqttPacketType.PubComp: return PubCompPacket.Decode(ref r, Version);
            case MqttPacketType.Subscribe: return SubscribePacket.Decode(ref r, Version);
            case MqttPacketType.SubAck: return SubAckPacket.Decode(ref r, Version);
            case MqttPacketType.Unsubscribe: return UnsubscribePacket.Decode(ref r, Version);
            case MqttPacketType.UnsubAck: return UnsubAckPacket.Decode(ref r, Version);
            case MqttPacketType.PingReq:
                r.EnsureEnd();
                return PingReqPacket.Instance;
            case MqttPacketType.PingResp:
                r.EnsureEnd();
                return PingRespPacket.Instance;
            case MqttPacketType.Disconnect: return DisconnectPacket.Decode(ref r, Version);
            case MqttPacketType.Auth: return AuthPacket.Decode(ref r, Version);
            default:
                throw r.Malformed($"unknown control packet type {(int)type}");
        }
    }

    /// <summary>Upper-case packet name as the specification writes it.</summary>
    internal static string Name(MqttPacketType type) => type switch
    {
        MqttPacketType.ConnAck => "CONNACK",
        MqttPacketType.PubAck => "PUBACK",
        MqttPacketType.PubRec => "PUBREC",
        MqttPacketType.PubRel => "PUBREL",
        MqttPacketType.PubComp => "PUBCOMP",
        MqttPacketType.SubAck => "SUBACK",
        MqttPacketType.UnsubAck => "UNSUBACK",
        MqttPacketType.PingReq => "PINGREQ",
        MqttPacketType.PingResp => "PINGRESP",
        0 => "packet type 0",
        _ => type.ToString().ToUpperInvariant(),
    };
}
