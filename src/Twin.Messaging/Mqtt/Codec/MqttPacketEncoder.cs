using System.Buffers;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Mqtt.Codec;

/// <summary>
/// Encodes packets: fixed header, remaining length (Variable Byte Integer), body. The body is built in a scratch
/// buffer first so the remaining length is known and a packet over the peer's Maximum Packet Size is refused
/// before any byte is written (MQTT 5.0 §3.1.2.11.4, [MQTT-3.1.2-24]). Not thread-safe: one per connection.
/// </summary>
internal sealed class MqttPacketEncoder
{
    private ArrayBufferWriter<byte> _body = new(256);

    /// <summary>Creates an encoder for a protocol version.</summary>
    public MqttPacketEncoder(MqttProtocolVersion version) => Version = version;

    /// <summary>Protocol version of the connection.</summary>
    public MqttProtocolVersion Version { get; set; }

    /// <summary>Writes <paramref name="packet"/> to <paramref name="output"/> and returns its size in bytes.</summary>
    /// <exception cref="MqttException">The packet is larger than <paramref name="maximumPacketSize"/> (0x95).</exception>
    public int Encode(MqttPacket packet, IBufferWriter<byte> output, long maximumPacketSize = long.MaxValue)
    {
        _body.ResetWrittenCount();
        packet.WriteBody(_body, Version);
        int remaining = _body.WrittenCount;
        if (remaining > MqttBufferWriter.MaxVariableByteInteger)
            throw new MqttException($"{packet.Type} body of {remaining} bytes exceeds the MQTT limit of 268,435,455", MqttReasonCode.PacketTooLarge);
        int total = 1 + MqttBufferWriter.VariableByteIntegerSize(remaining) + remaining;
        if (total > maximumPacketSize)
            throw new MqttException($"{MqttPacketDecoder.Name(packet.Type)} of {total} bytes exceeds the broker's maximum packet size of {maximumPacketSize} bytes", MqttReasonCode.PacketTooLarge);
        output.WriteByte((byte)(((int)packet.Type << 4) | packet.Flags));
        output.WriteVariableByteInteger(remaining);
        output.Write(_body.WrittenSpan);
        if (_body.Capacity > 1 << 20)
            _body = new ArrayBufferWriter<byte>(256);
        return total;
    }

    /// <summary>Encodes a packet into a new array (tests, fake servers).</summary>
    public static byte[] ToArray(MqttPacket packet, MqttProtocolVersion version)
    {
        var w = new ArrayBufferWriter<byte>();
        new MqttPacketEncoder(version).Encode(packet, w);
        return w.WrittenSpan.ToArray();
    }
}
