using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>PINGREQ (MQTT 5.0 §3.12): no variable header, no payload.</summary>
internal sealed class PingReqPacket : MqttPacket
{
    /// <summary>The single instance.</summary>
    public static readonly PingReqPacket Instance = new();
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PingReq;
    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> writer, MqttProtocolVersion version) { }
}
