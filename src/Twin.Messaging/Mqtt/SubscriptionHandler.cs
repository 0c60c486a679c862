using System.Threading.Channels;
using Twin.Messaging.Bus;

namespace Twin.Messaging.Mqtt;

/// <summary>One handler of a subscription: a bounded queue and a consumer task.</summary>
internal sealed class SubscriptionHandler
{
    private readonly Channel<(BusMessage Message, InboundDelivery? Delivery)> _queue;
    private readonly CancellationTokenSource _cts;
    private readonly Task _consumer;

    /// <summary>Starts the consumer.</summary>
    public SubscriptionHandler(SubscriptionEntry entry, Func<BusMessage, CancellationToken, ValueTask> handler, int capacity,
        Action<string> log, CancellationToken lifetime)
    {
        Entry = entry;
        _queue = Channel.CreateBounded<(BusMessage Message, InboundDelivery? Delivery)>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        _cts = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
        var token = _cts.Token;
        var reader = _queue.Reader;
        string filter = entry.Filter;
        _consumer = Task.Run(async () =>
        {
            try
            {
                while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
                {
                    while (reader.TryRead(out var item))
                    {
                        var message = item.Message;
                        try
                        {
                            await handler(message, token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (token.IsCancellationRequested)
                        {
                            return;
                        }
                        catch (Exception ex)
                        {
                            log($"handler of subscription '{filter}' threw on a message to '{message.Topic}': {ex.GetType().Name}: {ex.Message}");
                        }
                        item.Delivery?.HandlerDone();
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
    }

    /// <summary>The subscription.</summary>
    public SubscriptionEntry Entry { get; }

    /// <summary>Queues a message without waiting; false when the queue is full or closed.</summary>
    public bool TryEnqueue(BusMessage message, InboundDelivery? delivery) => _queue.Writer.TryWrite((message, delivery));

    /// <summary>Queues a message, waiting while the queue is full; returns false if the handler was removed.</summary>
    public async ValueTask<bool> EnqueueAsync(BusMessage message, InboundDelivery? delivery, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync((message, delivery), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Stops delivery: closes the queue and cancels the handler's token.</summary>
    public void Stop()
    {
        _queue.Writer.TryComplete();
        try { _cts.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>The consumer task (ends after <see cref="Stop"/>).</summary>
    public Task Completion => _consumer;
}

/// <summary>Returned by SubscribeAsync; disposing it removes the handler and, for the last one, unsubscribes.</summary>
internal sealed class SubscriptionHandle : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly SubscriptionHandler _handler;
    private int _disposed;

    /// <summary>Creates the handle.</summary>
    public SubscriptionHandle(MqttClient client, SubscriptionHandler handler)
    {
        _client = client;
        _handler = handler;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? _client.RemoveHandlerAsync(_handler) : ValueTask.CompletedTask;
}
