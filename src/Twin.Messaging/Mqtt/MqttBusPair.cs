using Twin.Messaging.Bus;

namespace Twin.Messaging.Mqtt;

/// <summary>
/// A bus over two MQTT connections to one broker: one that only subscribes and one that only publishes. A handler
/// of the subscribing connection may then await its own publications without ever waiting for that connection's
/// reader, so the subscriber's inbound budget (<see cref="MqttClientOptions.MaxInboundBytes"/>) holds strictly: its
/// reader stops reading while the budget is spent, and the publications' acknowledgements arrive on the other
/// connection.
/// </summary>
public sealed class MqttBusPair : IMessageBus
{
    /// <summary>Creates the pair (not connected).</summary>
    /// <param name="subscriber">The connection for <see cref="SubscribeAsync"/>; it publishes nothing.</param>
    /// <param name="publisher">The connection for <see cref="PublishAsync"/>; it subscribes to nothing.</param>
    public MqttBusPair(MqttClient subscriber, MqttClient publisher)
    {
        Subscriber = subscriber ?? throw new ArgumentNullException(nameof(subscriber));
        Publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
    }

    /// <summary>The subscribing connection.</summary>
    public MqttClient Subscriber { get; }

    /// <summary>The publishing connection.</summary>
    public MqttClient Publisher { get; }

    /// <summary>True while both are connected.</summary>
    public bool IsConnected => Subscriber.IsConnected && Publisher.IsConnected;

    /// <summary>Automatic reconnections of both connections (a metric).</summary>
    public long Reconnects => Subscriber.Reconnects + Publisher.Reconnects;

    /// <summary>Connects both, retrying as <see cref="MqttClient.ConnectWithRetryAsync"/> does.</summary>
    /// <param name="cancellationToken">Stops trying.</param>
    /// <returns>A task that completes when both are connected.</returns>
    /// <exception cref="MqttConnectException">The broker refused a connection for a reason retrying cannot fix.</exception>
    public async Task ConnectWithRetryAsync(CancellationToken cancellationToken = default)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var both = new[] { Subscriber.ConnectWithRetryAsync(failed.Token), Publisher.ConnectWithRetryAsync(failed.Token) };
        var first = await Task.WhenAny(both).ConfigureAwait(false);
        if (first.IsFaulted) await failed.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(both).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (first.IsFaulted)
        {
            await first.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask PublishAsync(BusMessage message, CancellationToken cancellationToken = default) =>
        Publisher.PublishAsync(message, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> SubscribeAsync(string topicFilter, QualityOfService qos,
        Func<BusMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default) =>
        Subscriber.SubscribeAsync(topicFilter, qos, handler, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> SubscribeBatchAsync(string topicFilter, QualityOfService qos,
        Func<IReadOnlyList<BusMessage>, CancellationToken, ValueTask> handler, int maxBatch, CancellationToken cancellationToken = default) =>
        Subscriber.SubscribeBatchAsync(topicFilter, qos, handler, maxBatch, cancellationToken);

    /// <summary>Closes the subscribing connection, then the publishing one (which first sends what is queued).</summary>
    /// <returns>A task that completes when both are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await Subscriber.DisposeAsync().ConfigureAwait(false);
        await Publisher.DisposeAsync().ConfigureAwait(false);
    }
}
