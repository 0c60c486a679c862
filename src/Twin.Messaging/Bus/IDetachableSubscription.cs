namespace Twin.Messaging.Bus;

/// <summary>
/// A subscription that outlives this process's interest in it: the broker keeps it in a persistent session
/// (MQTT 5.0 §4.1), together with the messages that arrive while nobody handles them. Returned by
/// <see cref="IMessageBus.SubscribeAsync"/> of the MQTT client; the in-process bus keeps nothing across runs and
/// returns plain <see cref="IAsyncDisposable"/> handles.
/// </summary>
public interface IDetachableSubscription : IAsyncDisposable
{
    /// <summary>
    /// Stops delivery to this process's handler without unsubscribing: the message being handled is finished,
    /// queued and later messages are not acknowledged, so the broker holds them — and everything published until
    /// the session is resumed — for the next run. Use it on a normal stop; <see cref="UnsubscribeAsync"/> (or
    /// <see cref="IAsyncDisposable.DisposeAsync"/>) when the messages are no longer wanted.
    /// </summary>
    /// <returns>A task that completes when the handler has stopped.</returns>
    ValueTask DetachAsync();

    /// <summary>Removes the handler; the last handler of a filter sends UNSUBSCRIBE, after which the broker keeps nothing for it.</summary>
    /// <returns>A task that completes when the broker acknowledged the UNSUBSCRIBE (or it was queued for the next connection).</returns>
    ValueTask UnsubscribeAsync();
}
