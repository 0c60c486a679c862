using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>PINGRESP (MQTT 5.0 §3.13): no variable header, no payload.</summary>
internal sealed class PingRespPacket : MqttPacket
{
    /// <summary>The single instance.</summary>
    public static readonly PingRespPacket Instance = new();
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PingResp;
    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> writer, MqttProtocolVersion version) { }
}
