using Microsoft.Extensions.Logging;
using System.Threading.Channels;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt.Codec;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>
    /// Publishes a message. Completes for QoS 0 once queued in the outbox, for QoS 1 on PUBACK, for QoS 2 on PUBCOMP
    /// — across reconnects: an unacknowledged message is re-sent after the connection is re-established. Waits
    /// (back-pressure) while the outbox is full, also while the broker is unreachable. Works before
    /// <see cref="ConnectAsync"/>; the message goes out once connected.
    /// </summary>
    /// <param name="message">The message; MQTT 5 properties of <see cref="BusMessage"/> are sent as PUBLISH properties (MQTT 5.0 §3.3.2.3).</param>
    /// <param name="cancellationToken">Cancels waiting; a queued message may still be delivered.</param>
    /// <returns>A task completing when the message is accepted at its QoS.</returns>
    /// <exception cref="ArgumentException">Invalid topic, response topic, content type or user property.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="MqttException">The broker rejected the message (PUBACK/PUBREC reason code ≥ 0x80), or it is larger than the broker's maximum packet size.</exception>
    public async ValueTask PublishAsync(BusMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ValidateMessage(message);
        var op = new OutgoingPublish(message, BuildPublishProperties(message));
        if (!_outbox.Writer.TryWrite(op))
        {
            try
            {
                await _outbox.Writer.WriteAsync(op, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(MqttClient));
            }
        }
        // A reader holding back for the inbound budget must read on now: this publication's PUBACK will arrive.
        if (op.Completion is not null) _inboundBudget.Pulse();
        if (op.Completion is { } completion)
            await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void ValidateMessage(BusMessage message)
    {
        MqttTopic.ValidateTopicName(message.Topic);
        if ((byte)message.Qos > 2)
            throw new ArgumentException($"QoS {(byte)message.Qos} does not exist (MQTT 5.0 §4.3)", nameof(message));
        if (message.ResponseTopic is { } rt)
        {
            try { MqttTopic.ValidateTopicName(rt); }
            catch (ArgumentException ex) { throw new ArgumentException($"response topic: {ex.Message} (MQTT 5.0 §3.3.2.3.5)", nameof(message)); }
        }
        if (message.ContentType is { } ct) MqttBufferWriter.Utf8Size(ct, "content type");
        if (message.CorrelationData.Length > ushort.MaxValue)
            throw new ArgumentException("correlation data is longer than 65535 bytes (MQTT 5.0 §1.5.6)", nameof(message));
        foreach (var kv in message.UserProperties)
        {
            MqttBufferWriter.Utf8Size(kv.Key, "user property name");
            MqttBufferWriter.Utf8Size(kv.Value, "user property value");
        }
        if (message.Payload.Length > MqttBufferWriter.MaxVariableByteInteger - 65_536)
            throw new ArgumentException($"payload of {message.Payload.Length} bytes exceeds what an MQTT packet can carry", nameof(message));
    }

    /// <summary>MQTT 5 PUBLISH (and will) properties from a bus message; the shared empty instance when it has none.</summary>
    private static MqttProperties BuildPublishProperties(BusMessage m)
    {
        if (m.ResponseTopic is null && m.CorrelationData.IsEmpty && m.ContentType is null && m.MessageExpirySeconds is null && m.UserProperties.Count == 0)
            return MqttProperties.Empty;
        return new MqttProperties
        {
            ResponseTopic = m.ResponseTopic,
            CorrelationData = m.CorrelationData.IsEmpty ? null : m.CorrelationData.ToArray(),
            ContentType = m.ContentType,
            MessageExpiryInterval = m.MessageExpirySeconds,
            UserProperties = m.UserProperties.Count == 0 ? null : [.. m.UserProperties],
        };
    }

    private PublishPacket BuildPublishPacket(OutgoingPublish op, bool dup) => new()
    {
        Topic = op.Message.Topic,
        Payload = op.Message.Payload,
        Qos = op.Qos,
        Retain = op.Message.Retain,
        Dup = dup && op.Qos > 0,
        PacketId = op.PacketId,
        Properties = _version == MqttProtocolVersion.V500 ? op.Properties : MqttProperties.Empty,
    };

    /// <summary>Next free packet identifier, 1–65535, not used by an in-flight message or a pending request (MQTT 5.0 §2.2.1). Caller holds _gate.</summary>
    private ushort AllocatePacketIdLocked()
    {
        for (int i = 0; i < ushort.MaxValue; i++)
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
            if (!_inflight.ContainsKey(_lastPacketId) && !_requests.ContainsKey(_lastPacketId))
                return _lastPacketId;
        }
        throw new MqttException("all 65535 packet identifiers are in use");
    }

    /// <summary>
    /// The sender of one connection: (re)subscribe what the broker lacks, re-send unacknowledged publications in
    /// their original order with DUP set (PUBREL for QoS 2 past PUBREC; MQTT 5.0 §4.4), then drain the outbox
    /// within the send window, batching packets per flush.
    /// </summary>
    private async Task SendLoopAsync(MqttConnection connection, List<SubscriptionEntry> resubscribe, List<string> unsubscribe)
    {
        var token = connection.Token;
        foreach (var entry in resubscribe)
            await SendSubscribeAsync(connection, entry).ConfigureAwait(false);
        if (unsubscribe.Count > 0)
            await SendUnsubscribeAsync(connection, unsubscribe, null).ConfigureAwait(false);
        await ResendInflightAsync(connection, token).ConfigureAwait(false);

        var reader = _outbox.Reader;
        var window = connection.Window;
        while (true)
        {
            if (!reader.TryPeek(out var next))
            {
                if (!await reader.WaitToReadAsync(token).ConfigureAwait(false))
                {
                    await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
                    return;
                }
                continue;
            }
            bool permit = false;
            if (next.Qos > 0)
            {
                if (!window.TryTake())
                    await window.WaitAsync(token).ConfigureAwait(false);
                permit = true;
            }
            await connection.LockAsync(token).ConfigureAwait(false);
            try
            {
                for (int count = 0; count < 256; count++)
                {
                    if (!reader.TryPeek(out next)) break;
                    if (next.Qos > 0 && !permit)
                    {
                        if (!window.TryTake()) break;
                        permit = true;
                    }
                    reader.TryRead(out _);
                    bool used = WritePublishLocked(connection, next);
                    if (next.Qos > 0)
                    {
                        if (!used) window.Release();
                        permit = false;
                    }
                    if (connection.Writer.UnflushedBytes > 64 * 1024) break;
                }
                await connection.FlushLockedAsync(token).ConfigureAwait(false);
            }
            finally
            {
                connection.Unlock();
                if (permit) window.Release();
            }
        }
    }

    /// <summary>
    /// Registers (QoS &gt; 0) and encodes one publication; caller holds the write lock. Returns false when it was
    /// refused locally (failed, not sent).
    /// </summary>
    private bool WritePublishLocked(MqttConnection connection, OutgoingPublish op)
    {
        var result = connection.Result;
        if (op.Message.Retain && !result.RetainAvailable)
        {
            op.Fail(new MqttException($"MQTT broker {connection.Endpoint} does not support retained messages (MQTT 5.0 §3.2.2.3.5); '{op.Message.Topic}' not published", MqttReasonCode.RetainNotSupported));
            return false;
        }
        byte maxQos = (byte)result.MaximumQos;
        if (op.Qos > maxQos)
        {
            // MQTT 5.0 §3.2.2.3.4: never send a QoS above the broker's Maximum QoS.
            if (Interlocked.Exchange(ref _qosDowngradeLogged, 1) == 0)
                Log(LogLevel.Information, $"broker maximum QoS is {maxQos}; publications are downgraded to it");
            op.Qos = maxQos;
            if (maxQos == 0) op.Completion?.TrySetResult();
        }
        if (op.Qos > 0)
        {
            lock (_gate)
            {
                op.PacketId = AllocatePacketIdLocked();
                op.Stage = PublishStage.AwaitingAck;
                op.Sequence = ++_sequence;
                _inflight[op.PacketId] = op;
            }
            _inboundBudget.Pulse();
        }
        try
        {
            connection.EncodeLocked(BuildPublishPacket(op, dup: false));
            return true;
        }
        catch (MqttException ex)
        {
            if (op.Qos > 0)
                lock (_gate) _inflight.Remove(op.PacketId);
            op.Fail(ex);
            Log(LogLevel.Warning, $"publication to '{op.Message.Topic}' refused: {ex.Message}");
            return false;
        }
    }

    private async Task ResendInflightAsync(MqttConnection connection, CancellationToken token)
    {
        List<OutgoingPublish> pending;
        lock (_gate) pending = [.. _inflight.Values.OrderBy(op => op.Sequence)];
        if (pending.Count == 0) return;
        bool sessionPresent = connection.Result.SessionPresent;
        Log(LogLevel.Information, $"re-sending {pending.Count} unacknowledged publication(s) ({(sessionPresent ? "DUP, session resumed" : "as new messages, session was not present")})");
        int index = 0;
        while (index < pending.Count)
        {
            await connection.LockAsync(token).ConfigureAwait(false);
            try
            {
                for (int n = 0; n < 256 && index < pending.Count; n++, index++)
                {
                    var op = pending[index];
                    lock (_gate)
                        if (!_inflight.TryGetValue(op.PacketId, out var current) || current != op) continue;
                    MqttPacket packet = op.Stage == PublishStage.AwaitingComp
                        ? new PubRelPacket { PacketId = op.PacketId }
                        : BuildPublishPacket(op, dup: sessionPresent);
                    try
                    {
                        connection.EncodeLocked(packet);
                        Interlocked.Increment(ref _resent);
                    }
                    catch (MqttException ex)
                    {
                        lock (_gate) _inflight.Remove(op.PacketId);
                        connection.Window.Release();
                        op.Fail(ex);
                    }
                }
                await connection.FlushLockedAsync(token).ConfigureAwait(false);
            }
            finally
            {
                connection.Unlock();
            }
        }
    }
}
