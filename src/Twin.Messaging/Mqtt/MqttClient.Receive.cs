using Microsoft.Extensions.Logging;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt.Codec;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>Reads and handles packets until the connection ends; a protocol violation ends it with <see cref="MqttProtocolException"/>.</summary>
    private async Task ReadLoopAsync(MqttConnection connection)
    {
        var token = connection.Token;
        while (true)
        {
            var packet = await connection.Reader.ReadPacketAsync(connection.Decoder, token).ConfigureAwait(false)
                ?? throw new MqttException($"MQTT broker {connection.Endpoint} closed the connection");
            connection.LastReceivedTicks = connection.NowMs();
            switch (packet)
            {
                case PublishPacket publish:
                    await OnPublishAsync(connection, publish, token).ConfigureAwait(false);
                    break;
                case PubAckPacket ack:
                    OnPublishAcknowledged(connection, ack.PacketId, 1, ack.ReasonCode, ack.Properties);
                    break;
                case PubRecPacket rec:
                    await OnPubRecAsync(connection, rec, token).ConfigureAwait(false);
                    break;
                case PubRelPacket rel:
                    bool known;
                    lock (_gate) known = _inboundQos2.Remove(rel.PacketId);
                    await connection.SendAsync(new PubCompPacket
                    {
                        PacketId = rel.PacketId,
                        ReasonCode = known || connection.Version != MqttProtocolVersion.V500 ? MqttReasonCode.Success : MqttReasonCode.PacketIdentifierNotFound,
                    }, token).ConfigureAwait(false);
                    break;
                case PubCompPacket comp:
                    OnPublishAcknowledged(connection, comp.PacketId, 2, comp.ReasonCode, comp.Properties);
                    break;
                case SubAckPacket subAck:
                    OnSubAck(subAck);
                    break;
                case UnsubAckPacket unsubAck:
                    OnUnsubAck(unsubAck);
                    break;
                case PingRespPacket:
                    connection.PingSentTicks = 0;
                    break;
                case DisconnectPacket disconnect:
                    {
                        var p = disconnect.Properties;
                        throw new MqttException(
                            $"MQTT broker {connection.Endpoint} sent DISCONNECT {MqttReasonCodes.Describe(disconnect.ReasonCode)}" +
                            (p.ReasonString is null ? "" : $" ({p.ReasonString})") + (p.ServerReference is null ? "" : $"; server reference: {p.ServerReference}"),
                            disconnect.ReasonCode);
                    }
                case AuthPacket:
                    throw new MqttProtocolException(MqttReasonCode.ProtocolError,
                        "broker sent AUTH, but this client did not request enhanced authentication (MQTT 5.0 §4.12, [MQTT-4.12.0-6])");
                default:
                    throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"unexpected {packet} from the broker (only a client sends it)");
            }
        }
    }

    /// <summary>
    /// Inbound PUBLISH: resolve the topic alias (MQTT 5.0 §3.3.2.3.4), deliver, then acknowledge: PUBACK for QoS 1;
    /// for QoS 2 the packet identifier is stored until PUBREL and a re-sent PUBLISH with it is not delivered again
    /// (MQTT 5.0 §4.3.3, method B).
    /// </summary>
    private async Task OnPublishAsync(MqttConnection connection, PublishPacket publish, CancellationToken token)
    {
        string topic = ResolveTopic(connection, publish);
        switch (publish.Qos)
        {
            case 0:
                await DispatchAsync(connection, topic, publish, token).ConfigureAwait(false);
                break;
            case 1 when _options.AcknowledgeAfterHandling:
                // PUBACK goes out from the ack sequencer once the handlers are done (in arrival order).
                await DispatchAsync(connection, topic, publish, token, connection.AckSequencer(Log, token)).ConfigureAwait(false);
                break;
            case 1:
                await DispatchAsync(connection, topic, publish, token).ConfigureAwait(false);
                await connection.SendAsync(new PubAckPacket { PacketId = publish.PacketId }, token).ConfigureAwait(false);
                break;
            default:
                bool isNew, exceeded;
                lock (_gate)
                {
                    isNew = _inboundQos2.Add(publish.PacketId);
                    exceeded = isNew && _inboundQos2.Count > _options.ReceiveMaximum;
                }
                if (exceeded)
                {
                    string what = $"broker has more than Receive Maximum = {_options.ReceiveMaximum} QoS 2 messages unreleased (MQTT 5.0 §3.3.4)";
                    if (_options.StrictReceiveMaximum) throw new MqttProtocolException(MqttReasonCode.ReceiveMaximumExceeded, what);
                    if (!connection.ReceiveMaximumWarned)
                    {
                        connection.ReceiveMaximumWarned = true;
                        Log(LogLevel.Warning, what + "; tolerated (StrictReceiveMaximum is off)");
                    }
                }
                if (isNew)
                    await DispatchAsync(connection, topic, publish, token).ConfigureAwait(false);
                await connection.SendAsync(new PubRecPacket { PacketId = publish.PacketId }, token).ConfigureAwait(false);
                break;
        }
    }

    private string ResolveTopic(MqttConnection connection, PublishPacket publish)
    {
        if (publish.Properties.TopicAlias is not { } alias)
        {
            if (publish.Topic.Length == 0)
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, "PUBLISH with an empty topic name and no topic alias (MQTT 5.0 §3.3.2.1)");
            return publish.Topic;
        }
        if (alias == 0 || alias > _options.TopicAliasMaximum)
            throw new MqttProtocolException(MqttReasonCode.TopicAliasInvalid,
                $"PUBLISH topic alias {alias} is outside 1–{_options.TopicAliasMaximum}, the Topic Alias Maximum this client sent (MQTT 5.0 §3.3.2.3.4)");
        if (publish.Topic.Length > 0)
        {
            connection.InboundAliases[alias] = publish.Topic;
            return publish.Topic;
        }
        return connection.InboundAliases.TryGetValue(alias, out var known)
            ? known
            : throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"PUBLISH uses topic alias {alias} before it was defined on this connection (MQTT 5.0 §3.3.2.3.4)");
    }

    /// <summary>
    /// Routes a message to the handlers of the subscriptions named by its Subscription Identifiers (MQTT 5.0
    /// §3.3.2.3.8), or, without them (MQTT 3.1.1), of every subscription whose filter matches the topic. Waits first
    /// while the inbound budget is spent (<see cref="MqttClientOptions.MaxInboundBytes"/>). A message for a subscription
    /// whose handlers were detached is left unacknowledged: the broker redelivers it to the next session.
    /// </summary>
    private async ValueTask DispatchAsync(MqttConnection connection, string topic, PublishPacket publish, CancellationToken token,
        InboundAckSequencer? acks = null)
    {
        List<SubscriptionHandler>? targets = null;
        bool held = false;
        lock (_gate)
        {
            var ids = publish.Properties.SubscriptionIdentifiers;
            if (ids is { Count: > 0 })
            {
                foreach (int id in ids)
                    if (_subscriptionsById.TryGetValue(id, out var entry) && MqttTopic.Matches(entry.Filter, topic))
                        Collect(entry, ref targets, ref held);
            }
            else
            {
                foreach (var entry in _subscriptions.Values)
                    if (MqttTopic.Matches(entry.Filter, topic))
                        Collect(entry, ref targets, ref held);
            }
        }
        if (targets is null)
        {
            if (held)
            {
                // Never completed: neither this PUBACK nor the ones after it go out on this connection (MQTT 5.0 §4.6).
                acks?.Register(publish.PacketId, 1);
                return;
            }
            acks?.Register(publish.PacketId, 0);
            Log(LogLevel.Debug, $"message to '{topic}' matches no subscription of this client; dropped");
            return;
        }
        long bytes = publish.Payload.Length + topic.Length;
        connection.ReaderBusy = true;
        try
        {
            await _inboundBudget.WaitForRoomAsync(bytes * targets.Count, AwaitsOwnAcknowledgement, token).ConfigureAwait(false);
        }
        finally
        {
            connection.ReaderBusy = false;
        }
        var delivery = acks?.Register(publish.PacketId, targets.Count);
        var p = publish.Properties;
        var message = new BusMessage(topic, publish.Payload, (QualityOfService)publish.Qos, publish.Retain)
        {
            ResponseTopic = p.ResponseTopic,
            CorrelationData = p.CorrelationData ?? ReadOnlyMemory<byte>.Empty,
            ContentType = p.ContentType,
            MessageExpirySeconds = p.MessageExpiryInterval,
            UserProperties = p.UserProperties ?? (IReadOnlyList<KeyValuePair<string, string>>)[],
        };
        foreach (var handler in targets)
        {
            _inboundBudget.Take(bytes);
            var item = new QueuedMessage(message, delivery, bytes);
            if (handler.TryEnqueue(item)) continue;
            connection.ReaderBusy = true;
            try
            {
                if (!await handler.EnqueueAsync(item, token).ConfigureAwait(false))
                {
                    _inboundBudget.Release(bytes);
                    // A removed (unsubscribed) handler does not hold the acknowledgement back; a detached one does.
                    if (!handler.IsDetached) delivery?.HandlerDone();
                }
            }
            finally
            {
                connection.ReaderBusy = false;
            }
        }

        static void Collect(SubscriptionEntry entry, ref List<SubscriptionHandler>? targets, ref bool held)
        {
            if (entry.Handlers.Count > 0) (targets ??= []).AddRange(entry.Handlers);
            else if (entry.Detached) held = true;
        }
    }

    /// <summary>
    /// True while this client waits for the broker's acknowledgement of its own publications (or has some queued):
    /// the reader must go on reading then, or a handler awaiting such a PUBACK would wait for ever.
    /// </summary>
    private bool AwaitsOwnAcknowledgement()
    {
        if (_outbox.Reader.Count > 0) return true;
        lock (_gate) return _inflight.Count > 0;
    }

    /// <summary>PUBACK (QoS 1) or PUBCOMP (QoS 2) ends a flow and returns a send-quota slot (MQTT 5.0 §4.9).</summary>
    private void OnPublishAcknowledged(MqttConnection connection, ushort packetId, int qos, MqttReasonCode code, MqttProperties properties)
    {
        OutgoingPublish? op;
        lock (_gate)
        {
            if (!_inflight.TryGetValue(packetId, out op) || op.Qos != qos
                || op.Stage != (qos == 1 ? PublishStage.AwaitingAck : PublishStage.AwaitingComp))
            {
                Log(LogLevel.Debug, $"{(qos == 1 ? "PUBACK" : "PUBCOMP")} for packet identifier {packetId}, which is not awaiting it; ignored");
                return;
            }
            _inflight.Remove(packetId);
        }
        connection.Window.Release();
        if (qos == 1 && MqttReasonCodes.IsError(code))
            op.Fail(new MqttException($"MQTT broker rejected the message to '{op.Message.Topic}': {MqttReasonCodes.Describe(code)}{(properties.ReasonString is null ? "" : $" ({properties.ReasonString})")}", code));
        else
            op.Completion?.TrySetResult();
    }

    /// <summary>PUBREC: reply PUBREL (MQTT 5.0 §4.3.3); an error code ends the flow (MQTT 5.0 §3.5.2.1).</summary>
    private async Task OnPubRecAsync(MqttConnection connection, PubRecPacket rec, CancellationToken token)
    {
        OutgoingPublish? op;
        lock (_gate)
        {
            if (!_inflight.TryGetValue(rec.PacketId, out op) || op.Qos != 2)
                op = null;
            else if (MqttReasonCodes.IsError(rec.ReasonCode))
                _inflight.Remove(rec.PacketId);
            else
                op.Stage = PublishStage.AwaitingComp;
        }
        if (op is not null && MqttReasonCodes.IsError(rec.ReasonCode))
        {
            connection.Window.Release();
            op.Fail(new MqttException($"MQTT broker rejected the message to '{op.Message.Topic}': {MqttReasonCodes.Describe(rec.ReasonCode)}{(rec.Properties.ReasonString is null ? "" : $" ({rec.Properties.ReasonString})")}", rec.ReasonCode));
            return;
        }
        await connection.SendAsync(new PubRelPacket
        {
            PacketId = rec.PacketId,
            ReasonCode = op is null && connection.Version == MqttProtocolVersion.V500 ? MqttReasonCode.PacketIdentifierNotFound : MqttReasonCode.Success,
        }, token).ConfigureAwait(false);
    }
}
