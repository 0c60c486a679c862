using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>One MQTT control packet (MQTT 5.0 §2). Encoded by <see cref="MqttPacketEncoder"/>, decoded by <see cref="MqttPacketDecoder"/>.</summary>
internal abstract class MqttPacket
{
    /// <summary>The control packet type.</summary>
    public abstract MqttPacketType Type { get; }

    /// <summary>Fixed header flags, bits 3–0 (MQTT 5.0 §2.1.3).</summary>
    public virtual byte Flags => 0;

    /// <summary>Writes the variable header and payload (everything after the remaining length).</summary>
    public abstract void WriteBody(IBufferWriter<byte> writer, MqttProtocolVersion version);

    /// <inheritdoc />
    public override string ToString() => Type.ToString().ToUpperInvariant();
}
