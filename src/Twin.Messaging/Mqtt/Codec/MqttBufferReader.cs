using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Twin.Messaging.Mqtt.Codec;

/// <summary>
/// Reads MQTT data representations (MQTT 5.0 §1.5) from one packet body. Every read checks the remaining length
/// and throws <see cref="MqttProtocolException"/> (0x81 Malformed Packet) on underflow or invalid data.
/// </summary>
internal ref struct MqttBufferReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Reads from <paramref name="data"/>, which is exactly one packet body (variable header and payload).</summary>
    public MqttBufferReader(ReadOnlySpan<byte> data, string packetName)
    {
        _data = data;
        _position = 0;
        PacketName = packetName;
    }

    /// <summary>Packet name used in error messages ("PUBLISH", ...).</summary>
    public string PacketName { get; }

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Current offset in the body.</summary>
    public readonly int Position => _position;

    /// <summary>Throws 0x81 when bytes are left over after the last field.</summary>
    public readonly void EnsureEnd()
    {
        if (Remaining != 0)
            throw Malformed($"{Remaining} unexpected byte(s) after the last field");
    }

    /// <summary>Creates a 0x81 Malformed Packet exception naming this packet.</summary>
    public readonly MqttProtocolException Malformed(string what) =>
        new(MqttReasonCode.MalformedPacket, $"malformed {PacketName}: {what}");

    /// <summary>Creates a 0x82 Protocol Error exception naming this packet.</summary>
    public readonly MqttProtocolException ProtocolError(string what) =>
        new(MqttReasonCode.ProtocolError, $"protocol error in {PacketName}: {what}");

    private readonly void Need(int count, string field)
    {
        if (count > Remaining)
            throw Malformed($"{field} needs {count} byte(s) but only {Remaining} remain");
    }

    /// <summary>One byte.</summary>
    public byte ReadByte(string field)
    {
        Need(1, field);
        return _data[_position++];
    }

    /// <summary>Two Byte Integer, big-endian (MQTT 5.0 §1.5.2).</summary>
    public ushort ReadUInt16(string field)
    {
        Need(2, field);
        var v = BinaryPrimitives.ReadUInt16BigEndian(_data[_position..]);
        _position += 2;
        return v;
    }

    /// <summary>Four Byte Integer, big-endian (MQTT 5.0 §1.5.3).</summary>
    public uint ReadUInt32(string field)
    {
        Need(4, field);
        var v = BinaryPrimitives.ReadUInt32BigEndian(_data[_position..]);
        _position += 4;
        return v;
    }

    /// <summary>Variable Byte Integer (MQTT 5.0 §1.5.5): at most 4 bytes, minimal encoding not required.</summary>
    public int ReadVariableByteInteger(string field)
    {
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            byte b = ReadByte(field);
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
                return value;
        }
        throw Malformed($"{field} is a Variable Byte Integer longer than 4 bytes");
    }

    /// <summary>Raw bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        Need(count, field);
        var s = _data.Slice(_position, count);
        _position += count;
        return s;
    }

    /// <summary>All remaining bytes (a payload).</summary>
    public ReadOnlySpan<byte> ReadToEnd()
    {
        var s = _data[_position..];
        _position = _data.Length;
        return s;
    }

    /// <summary>Binary Data: two-byte length then bytes (MQTT 5.0 §1.5.6).</summary>
    public byte[] ReadBinary(string field)
    {
        int length = ReadUInt16(field + " length");
        return ReadBytes(length, field).ToArray();
    }

    /// <summary>
    /// UTF-8 Encoded String (MQTT 5.0 §1.5.4): two-byte length, well-formed UTF-8 without U+0000 (ill-formed
    /// UTF-8 or U+0000 make the packet malformed, [MQTT-1.5.4-1], [MQTT-1.5.4-2]).
    /// </summary>
    public string ReadString(string field)
    {
        int length = ReadUInt16(field + " length");
        var bytes = ReadBytes(length, field);
        return DecodeUtf8(bytes, field);
    }

    /// <summary>Validates and decodes MQTT UTF-8 string bytes.</summary>
    public readonly string DecodeUtf8(ReadOnlySpan<byte> bytes, string field)
    {
        if (bytes.IndexOf((byte)0) >= 0)
            throw Malformed($"{field} contains U+0000");
        if (!Utf8.IsValid(bytes))
            throw Malformed($"{field} is not well-formed UTF-8");
        return Encoding.UTF8.GetString(bytes);
    }
}
