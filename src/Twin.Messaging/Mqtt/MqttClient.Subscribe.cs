using Microsoft.Extensions.Logging;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt.Codec;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>
    /// Subscribes to a topic filter (<c>+</c>, <c>#</c>, <c>$share/group/filter</c>) at up to <paramref name="qos"/>.
    /// Retained messages matching the filter arrive first. The handler runs one message at a time in arrival order.
    /// A QoS 1 message acknowledged after handling (<see cref="MqttClientOptions.AcknowledgeAfterHandling"/>) whose
    /// handler throws is not acknowledged and is handed to the handler again after a backoff until it returns; other
    /// handler exceptions are logged and do not stop the subscription. Called before the client is connected (or
    /// while it reconnects), the subscription is sent once connected and the call waits for it.
    /// </summary>
    /// <param name="topicFilter">The filter (MQTT 5.0 §4.7).</param>
    /// <param name="qos">Maximum QoS to receive at.</param>
    /// <param name="handler">Called for each message.</param>
    /// <param name="cancellationToken">Cancels waiting for the SUBACK.</param>
    /// <returns>An <see cref="IDetachableSubscription"/>: disposing it removes the handler and the last handler of a filter
    /// unsubscribes; <see cref="IDetachableSubscription.DetachAsync"/> stops delivery and leaves the subscription in the session.</returns>
    /// <exception cref="ArgumentException">Invalid filter.</exception>
    /// <exception cref="MqttException">The broker refused the subscription (SUBACK reason code in the message).</exception>
    /// <exception cref="TimeoutException">No SUBACK within <see cref="MqttClientOptions.OperationTimeout"/> of a connection.</exception>
    public ValueTask<IAsyncDisposable> SubscribeAsync(string topicFilter, QualityOfService qos,
        Func<BusMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default) =>
        SubscribeAsync(topicFilter, new MqttSubscriptionOptions(qos), handler, cancellationToken);

    /// <summary>Subscribes with MQTT 5 subscription options (No Local, Retain As Published, Retain Handling; MQTT 5.0 §3.8.3.1).</summary>
    /// <param name="topicFilter">The filter (MQTT 5.0 §4.7).</param>
    /// <param name="options">Subscription options.</param>
    /// <param name="handler">Called for each message, one at a time in arrival order.</param>
    /// <param name="cancellationToken">Cancels waiting for the SUBACK.</param>
    /// <returns>An <see cref="IDetachableSubscription"/> (see the other overload).</returns>
    /// <exception cref="ArgumentException">Invalid filter, or No Local on a shared subscription ([MQTT-3.8.3-4]).</exception>
    /// <exception cref="MqttException">The broker refused the subscription.</exception>
    /// <exception cref="TimeoutException">No SUBACK within <see cref="MqttClientOptions.OperationTimeout"/> of a connection.</exception>
    public ValueTask<IAsyncDisposable> SubscribeAsync(string topicFilter, MqttSubscriptionOptions options,
        Func<BusMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SubscribeCoreAsync(topicFilter, options, (batch, ct) => handler(batch[0], ct), 1, cancellationToken);
    }

    /// <summary>
    /// Subscribes with a handler that takes every message waiting for the subscription at once (at most
    /// <paramref name="maxBatch"/>, in arrival order): a handler whose cost is per call rather than per message (one
    /// storage write, one fsync) keeps up with a fast publisher. A QoS 1 batch acknowledged after handling is
    /// acknowledged only when the handler returns, every message of it; when the handler throws, none is, and the
    /// same batch is handed to it again after a backoff.
    /// </summary>
    /// <param name="topicFilter">The filter (MQTT 5.0 §4.7).</param>
    /// <param name="qos">Maximum QoS to receive at.</param>
    /// <param name="handler">Called with one batch at a time (at least one message).</param>
    /// <param name="maxBatch">Most messages per call; ≥ 1.</param>
    /// <param name="cancellationToken">Cancels waiting for the SUBACK.</param>
    /// <returns>An <see cref="IDetachableSubscription"/> (see <see cref="SubscribeAsync(string, QualityOfService, Func{BusMessage, CancellationToken, ValueTask}, CancellationToken)"/>).</returns>
    /// <exception cref="ArgumentException">Invalid filter.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatch"/> below 1.</exception>
    /// <exception cref="MqttException">The broker refused the subscription.</exception>
    /// <exception cref="TimeoutException">No SUBACK within <see cref="MqttClientOptions.OperationTimeout"/> of a connection.</exception>
    public ValueTask<IAsyncDisposable> SubscribeBatchAsync(string topicFilter, QualityOfService qos,
        Func<IReadOnlyList<BusMessage>, CancellationToken, ValueTask> handler, int maxBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        return SubscribeCoreAsync(topicFilter, new MqttSubscriptionOptions(qos), handler, maxBatch, cancellationToken);
    }

    private async ValueTask<IAsyncDisposable> SubscribeCoreAsync(string topicFilter, MqttSubscriptionOptions options,
        Func<IReadOnlyList<BusMessage>, CancellationToken, ValueTask> handler, int maxBatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        MqttTopic.ValidateTopicFilter(topicFilter);
        if ((byte)options.Qos > 2)
            throw new ArgumentException($"QoS {(byte)options.Qos} does not exist (MQTT 5.0 §4.3)", nameof(options));
        if (options.NoLocal && MqttTopic.IsShared(topicFilter))
            throw new ArgumentException("No Local cannot be set on a shared subscription ([MQTT-3.8.3-4])", nameof(options));

        var waiter = new TaskCompletionSource<MqttReasonCode>(TaskCreationOptions.RunContinuationsAsynchronously);
        SubscriptionHandler subscriptionHandler;
        SubscriptionEntry entry;
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(topicFilter, out entry!))
            {
                entry = new SubscriptionEntry(topicFilter, ++_nextSubscriptionId, options);
                _subscriptions[topicFilter] = entry;
                _subscriptionsById[entry.Id] = entry;
            }
            else
            {
                var q = (QualityOfService)Math.Max((byte)entry.Options.Qos, (byte)options.Qos);
                entry.Options = options with { Qos = q };
            }
            _pendingUnsubscribes.Remove(topicFilter);
            entry.Detached = false;
            subscriptionHandler = new SubscriptionHandler(entry, handler, maxBatch, _options, _inboundBudget, Log, _lifetime.Token);
            entry.Handlers.Add(subscriptionHandler);
            entry.Waiters.Add(waiter);
            entry.Version++;
        }
        var connection = _connection;
        if (connection is not null)
        {
            try { await SendSubscribeAsync(connection, entry).ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The connection failed; the subscription is sent again after the reconnect.
            }
        }
        try
        {
            var granted = await AwaitSubAckAsync(waiter.Task, cancellationToken).ConfigureAwait(false);
            if ((byte)granted < (byte)options.Qos)
                Log(LogLevel.Information, $"subscription '{topicFilter}' granted at QoS {(byte)granted} instead of {(byte)options.Qos}");
        }
        catch (Exception ex)
        {
            // Given up waiting (e.g. the process is stopping): a persistent session keeps the subscription, as a stop does.
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested && _options.SessionExpiryInterval > 0)
                await DetachHandlerAsync(subscriptionHandler).ConfigureAwait(false);
            else
                await RemoveHandlerAsync(subscriptionHandler).ConfigureAwait(false);
            if (ex is TimeoutException)
                throw new TimeoutException($"no SUBACK for '{topicFilter}' within {_options.OperationTimeout.TotalSeconds:0.#} s (state {State})", ex);
            throw;
        }
        return new SubscriptionHandle(this, subscriptionHandler);
    }

    /// <summary>
    /// Waits for a SUBACK: without limit while the client is not connected (the SUBSCRIBE goes out once it is), and at
    /// most <see cref="MqttClientOptions.OperationTimeout"/> per connection.
    /// </summary>
    private async Task<MqttReasonCode> AwaitSubAckAsync(Task<MqttReasonCode> suback, CancellationToken cancellationToken)
    {
        while (true)
        {
            var connection = _connection;
            if (connection is null)
            {
                await Task.WhenAny(suback, ConnectedAsync()).WaitAsync(cancellationToken).ConfigureAwait(false);
                if (suback.IsCompleted) return await suback.ConfigureAwait(false);
                continue;
            }
            try
            {
                return await suback.WaitAsync(_options.OperationTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException) when (_connection != connection)
            {
                // The connection changed meanwhile: the SUBSCRIBE is sent again on the new one.
            }
        }
    }

    /// <summary>Sends SUBSCRIBE for an entry unless its current version was already sent on this connection.</summary>
    private async Task SendSubscribeAsync(MqttConnection connection, SubscriptionEntry entry)
    {
        SubscribePacket packet;
        lock (_gate)
        {
            if (connection.Token.IsCancellationRequested || !_subscriptions.TryGetValue(entry.Filter, out var current) || current != entry)
                return;
            if (entry.SentOn == connection && entry.SentVersion == entry.Version)
                return;
            entry.SentOn = connection;
            entry.SentVersion = entry.Version;
            ushort id = AllocatePacketIdLocked();
            _requests[id] = new PendingRequest { Entry = entry, Filter = entry.Filter, Connection = connection };
            packet = new SubscribePacket
            {
                PacketId = id,
                Properties = connection.Result.SubscriptionIdentifiersAvailable
                    ? new MqttProperties { SubscriptionIdentifiers = [entry.Id] }
                    : MqttProperties.Empty,
                Subscriptions = [new MqttTopicSubscription(entry.Filter, entry.Options.ToByte())],
            };
        }
        try
        {
            await connection.SendAsync(packet, connection.Token).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _requests.Remove(packet.PacketId);
                if (entry.SentOn == connection) entry.SentOn = null;
            }
            throw;
        }
    }

    private async Task SendUnsubscribeAsync(MqttConnection connection, List<string> filters, TaskCompletionSource<MqttReasonCode>? done)
    {
        UnsubscribePacket packet;
        lock (_gate)
        {
            ushort id = AllocatePacketIdLocked();
            _requests[id] = new PendingRequest { Filter = string.Join(", ", filters), Connection = connection, Unsubscribed = done };
            packet = new UnsubscribePacket { PacketId = id, Filters = filters };
        }
        try
        {
            await connection.SendAsync(packet, connection.Token).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate) _requests.Remove(packet.PacketId);
            throw;
        }
    }

    /// <summary>SUBACK: granted QoS or a failure per filter, in order (MQTT 5.0 §3.9.3).</summary>
    private void OnSubAck(SubAckPacket ack)
    {
        List<TaskCompletionSource<MqttReasonCode>> waiters;
        List<SubscriptionHandler>? stopped = null;
        MqttReasonCode code;
        SubscriptionEntry entry;
        lock (_gate)
        {
            if (!_requests.Remove(ack.PacketId, out var request) || request.Entry is null)
            {
                Log(LogLevel.Debug, $"SUBACK for packet identifier {ack.PacketId}, which has no SUBSCRIBE pending; ignored");
                return;
            }
            if (ack.ReasonCodes.Count != 1)
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"SUBACK has {ack.ReasonCodes.Count} reason codes for 1 topic filter (MQTT 5.0 §3.9.3)");
            entry = request.Entry;
            code = ack.ReasonCodes[0];
            waiters = [.. entry.Waiters];
            entry.Waiters.Clear();
            if (!MqttReasonCodes.IsError(code))
            {
                entry.Confirmed = true;
            }
            else if (_subscriptions.TryGetValue(entry.Filter, out var current) && current == entry)
            {
                _subscriptions.Remove(entry.Filter);
                _subscriptionsById.Remove(entry.Id);
                stopped = [.. entry.Handlers];
                entry.Handlers.Clear();
            }
        }
        if (!MqttReasonCodes.IsError(code))
        {
            foreach (var w in waiters) w.TrySetResult(code);
            return;
        }
        string reason = ack.Properties.ReasonString is null ? "" : $" ({ack.Properties.ReasonString})";
        var error = new MqttException($"MQTT broker refused the subscription to '{entry.Filter}': {MqttReasonCodes.Describe(code)}{reason}", code);
        Log(LogLevel.Warning, error.Message);
        foreach (var w in waiters) w.TrySetException(error);
        if (stopped is not null)
            foreach (var h in stopped) h.Stop();
    }

    private void OnUnsubAck(UnsubAckPacket ack)
    {
        PendingRequest? request;
        lock (_gate)
        {
            if (!_requests.Remove(ack.PacketId, out request) || request.Entry is not null)
            {
                Log(LogLevel.Debug, $"UNSUBACK for packet identifier {ack.PacketId}, which has no UNSUBSCRIBE pending; ignored");
                return;
            }
        }
        var code = ack.ReasonCodes.Count > 0 ? ack.ReasonCodes[0] : MqttReasonCode.Success;
        if (MqttReasonCodes.IsError(code))
            Log(LogLevel.Warning, $"MQTT broker refused to unsubscribe '{request.Filter}': {MqttReasonCodes.Describe(code)}");
        request.Unsubscribed?.TrySetResult(code);
    }

    /// <summary>
    /// Stops a handler without unsubscribing: the filter stays subscribed in the session and messages that arrive for
    /// it are not acknowledged (the broker keeps them for the next session).
    /// </summary>
    internal async ValueTask DetachHandlerAsync(SubscriptionHandler handler)
    {
        var entry = handler.Entry;
        lock (_gate)
        {
            entry.Handlers.Remove(handler);
            if (entry.Handlers.Count == 0) entry.Detached = true;
        }
        await handler.DetachAsync(_options.DrainTimeout).ConfigureAwait(false);
    }

    /// <summary>Removes a handler; when it was the filter's last, sends UNSUBSCRIBE (or remembers it for the next connection).</summary>
    internal async ValueTask RemoveHandlerAsync(SubscriptionHandler handler)
    {
        handler.Stop();
        var entry = handler.Entry;
        bool last = false;
        lock (_gate)
        {
            entry.Handlers.Remove(handler);
            if (entry.Handlers.Count == 0 && _subscriptions.TryGetValue(entry.Filter, out var current) && current == entry)
            {
                last = true;
                _subscriptions.Remove(entry.Filter);
                _subscriptionsById.Remove(entry.Id);
                foreach (var w in entry.Waiters)
                    w.TrySetException(new OperationCanceledException($"subscription '{entry.Filter}' was removed"));
                entry.Waiters.Clear();
            }
        }
        if (!last || _disposed != 0) return;
        var connection = _connection;
        if (connection is null)
        {
            lock (_gate) _pendingUnsubscribes.Add(entry.Filter);
            return;
        }
        var done = new TaskCompletionSource<MqttReasonCode>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await SendUnsubscribeAsync(connection, [entry.Filter], done).ConfigureAwait(false);
            await done.Task.WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            lock (_gate) _pendingUnsubscribes.Add(entry.Filter);
            Log(LogLevel.Warning, $"UNSUBSCRIBE '{entry.Filter}' not acknowledged ({ex.GetType().Name}: {ex.Message}); it is sent again after the next reconnect");
        }
    }
}
