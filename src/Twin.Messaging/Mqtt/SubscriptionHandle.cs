using Twin.Messaging.Bus;

namespace Twin.Messaging.Mqtt;

/// <summary>
/// Returned by SubscribeAsync: disposing it (or <see cref="UnsubscribeAsync"/>) removes the handler and, for the
/// filter's last one, unsubscribes; <see cref="DetachAsync"/> stops the handler and leaves the subscription in the
/// persistent session.
/// </summary>
internal sealed class SubscriptionHandle : IDetachableSubscription
{
    private readonly MqttClient _client;
    private readonly SubscriptionHandler _handler;
    private int _ended;

    /// <summary>Creates the handle.</summary>
    public SubscriptionHandle(MqttClient client, SubscriptionHandler handler)
    {
        _client = client;
        _handler = handler;
    }

    /// <inheritdoc />
    public ValueTask DetachAsync() =>
        Interlocked.Exchange(ref _ended, 1) == 0 ? _client.DetachHandlerAsync(_handler) : ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask UnsubscribeAsync() =>
        Interlocked.Exchange(ref _ended, 1) == 0 ? _client.RemoveHandlerAsync(_handler) : ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => UnsubscribeAsync();
}
