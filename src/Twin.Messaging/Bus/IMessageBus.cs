namespace Twin.Messaging.Bus;

/// <summary>
/// Publish/subscribe transport between drivers, the twin service and operators. Implemented by the
/// in-process bus (embedded default, no broker) and by the MQTT client against a broker such as Mosquitto.
/// </summary>
public interface IMessageBus : IAsyncDisposable
{
    /// <summary>
    /// Publishes a message. Completes when the message is accepted at its QoS: QoS 0 once written (or
    /// queued), QoS 1 on PUBACK, QoS 2 on PUBCOMP; waits (back-pressure) while the outbox is full. The in-process
    /// bus, having no broker to hold the message, completes a QoS 1/2 publish when the subscribers' handlers did.
    /// </summary>
    /// <param name="message">The message; its topic must not contain wildcards.</param>
    /// <param name="cancellationToken">Cancels waiting; the message may still be delivered.</param>
    /// <exception cref="ArgumentException">Invalid topic (empty, wildcard, too long, U+0000).</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    ValueTask PublishAsync(BusMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes to a topic filter (<c>+</c> one level, <c>#</c> the rest, <c>$share/group/filter</c> shared).
    /// Retained messages matching the filter are delivered first. Handlers of one subscription run one at a
    /// time in arrival order.
    /// </summary>
    /// <param name="topicFilter">The filter.</param>
    /// <param name="qos">Maximum QoS to receive at.</param>
    /// <param name="handler">Called for each message; an exception is logged and does not stop the subscription, and the
    /// message does not count as handled (the MQTT client does not acknowledge it; the in-process bus fails the QoS 1
    /// publish with <see cref="MessageHandlerException"/>).</param>
    /// <param name="cancellationToken">Cancels the subscribe request.</param>
    /// <returns>Disposing it unsubscribes.</returns>
    /// <exception cref="ArgumentException">Invalid filter.</exception>
    ValueTask<IAsyncDisposable> SubscribeAsync(string topicFilter, QualityOfService qos,
        Func<BusMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes with a handler that may take several messages of the subscription at once, in arrival order (at most
    /// <paramref name="maxBatch"/>): the messages waiting when it is called. The batch counts as handled only when the
    /// handler returns; an exception leaves every message of it unhandled, as for <see cref="SubscribeAsync"/>. A bus
    /// that has no queue to take from (the in-process bus, whose publishers wait for the handler) calls it with one
    /// message at a time.
    /// </summary>
    /// <param name="topicFilter">The filter.</param>
    /// <param name="qos">Maximum QoS to receive at.</param>
    /// <param name="handler">Called with each batch (at least one message).</param>
    /// <param name="maxBatch">Most messages per call; ≥ 1.</param>
    /// <param name="cancellationToken">Cancels the subscribe request.</param>
    /// <returns>Disposing it unsubscribes.</returns>
    /// <exception cref="ArgumentException">Invalid filter.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatch"/> below 1.</exception>
    ValueTask<IAsyncDisposable> SubscribeBatchAsync(string topicFilter, QualityOfService qos,
        Func<IReadOnlyList<BusMessage>, CancellationToken, ValueTask> handler, int maxBatch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        return SubscribeAsync(topicFilter, qos, (m, ct) => handler([m], ct), cancellationToken);
    }
}
