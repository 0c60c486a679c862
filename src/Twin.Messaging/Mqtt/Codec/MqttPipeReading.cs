using System.IO.Pipelines;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Mqtt.Codec;

/// <summary>Reads whole packets from a <see cref="PipeReader"/> with a <see cref="MqttPacketDecoder"/>.</summary>
internal static class MqttPipeReading
{
    /// <summary>
    /// Reads the next packet. Returns null at a clean end of stream (between packets). A stream that ends inside a
    /// packet is reported as 0x81 Malformed Packet.
    /// </summary>
    /// <exception cref="MqttProtocolException">Invalid bytes.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async ValueTask<MqttPacket?> ReadPacketAsync(this PipeReader reader, MqttPacketDecoder decoder, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            bool decoded;
            MqttPacket? packet;
            SequencePosition consumed;
            try
            {
                decoded = decoder.TryDecode(buffer, out packet, out consumed);
            }
            catch
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw;
            }
            if (decoded)
            {
                reader.AdvanceTo(consumed);
                return packet;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                long length = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (result.IsCanceled)
                    throw new OperationCanceledException("packet read was cancelled");
                if (length == 0)
                    return null;
                throw new MqttProtocolException(MqttReasonCode.MalformedPacket,
                    $"malformed packet: the stream ended {length} byte(s) into a packet");
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
