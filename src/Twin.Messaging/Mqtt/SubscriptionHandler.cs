using System.Threading.Channels;
using Polly;
using Polly.Retry;
using Twin.Messaging.Bus;

namespace Twin.Messaging.Mqtt;

/// <summary>A message queued for a handler, with the acknowledgement that waits for it and its share of the inbound budget.</summary>
internal readonly record struct QueuedMessage(BusMessage Message, InboundDelivery? Delivery, long Bytes);

/// <summary>
/// One handler of a subscription: a bounded queue and a consumer task that hands the handler the messages in arrival
/// order — one at a time, or, for a batch handler, every message waiting (up to its batch size) at once.
/// </summary>
/// <remarks>
/// A message whose PUBACK waits for its handler (QoS 1 with <see cref="MqttClientOptions.AcknowledgeAfterHandling"/>)
/// is acknowledged only after the handler returned. When the handler throws, the message is not acknowledged: it
/// is handed to the handler again after an exponential backoff (Polly retry, <see cref="MqttClientOptions.HandlerRetryMinDelay"/>
/// to <see cref="MqttClientOptions.HandlerRetryMaxDelay"/>) until the handler returns, and the failures are logged.
/// MQTT 5 has no negative acknowledgement; the alternative — withholding the PUBACK and reconnecting so the broker
/// resends the message — was rejected: a receiver must send its PUBACKs in the order the PUBLISH packets arrived
/// (MQTT 5.0 §4.6, [MQTT-4.6.0-2]), so one unacknowledged message holds back the acknowledgement of every later one
/// anyway, and a broker resends unacknowledged messages only when a session is resumed (MQTT 5.0 §4.4,
/// [MQTT-4.4.0-1]): forcing that by reconnecting would interrupt every other subscription of the client to deliver
/// the same message to the same handler. Retrying in process keeps the per-subscription order and the other
/// subscriptions running; if the process stops while retrying, the message is still unacknowledged, so the broker
/// redelivers it to the resumed session (MQTT 5.0 §4.3.2: the PUBACK is the receiver accepting ownership).
/// Messages whose acknowledgement does not wait for the handler (QoS 0, or acknowledged on arrival) are not
/// retried: a failure is logged and the next message follows.
/// </remarks>
internal sealed class SubscriptionHandler
{
    private readonly Channel<QueuedMessage> _queue;
    private readonly CancellationTokenSource _cts;
    private readonly Task _consumer;
    private readonly InboundBudget _budget;
    private volatile bool _detached;

    /// <summary>Starts the consumer.</summary>
    /// <param name="entry">The subscription.</param>
    /// <param name="handler">Called with the messages of one batch (one message when <paramref name="maxBatch"/> is 1).</param>
    /// <param name="maxBatch">Most messages handed to one call; ≥ 1.</param>
    /// <param name="options">The client's options (queue capacity, retry delays).</param>
    /// <param name="budget">The client's inbound budget, released as messages are handled.</param>
    /// <param name="log">Receives handler failures.</param>
    /// <param name="lifetime">Stops the consumer.</param>
    public SubscriptionHandler(SubscriptionEntry entry, Func<IReadOnlyList<BusMessage>, CancellationToken, ValueTask> handler, int maxBatch, MqttClientOptions options,
        InboundBudget budget, Action<string> log, CancellationToken lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        Entry = entry;
        _budget = budget;
        _queue = Channel.CreateBounded<QueuedMessage>(new BoundedChannelOptions(options.HandlerQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        _cts = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
        var token = _cts.Token;
        string filter = entry.Filter;
        string? topic = null;
        var retry = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException || !token.IsCancellationRequested),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.HandlerRetryMinDelay,
                MaxDelay = options.HandlerRetryMaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    var e = args.Outcome.Exception;
                    log($"handler of subscription '{filter}' failed on a message to '{topic}' (attempt {args.AttemptNumber + 1}): " +
                        $"{e?.GetType().Name}: {e?.Message}; the message stays unacknowledged and is handled again in {args.RetryDelay.TotalMilliseconds:0} ms");
                    return default;
                },
            })
            .Build();
        _consumer = Task.Run(() => ConsumeAsync(handler, maxBatch, retry, log, filter, t => topic = t, token), CancellationToken.None);
    }

    /// <summary>The subscription.</summary>
    public SubscriptionEntry Entry { get; }

    /// <summary>True after <see cref="DetachAsync"/>: what is queued for it stays unacknowledged.</summary>
    public bool IsDetached => _detached;

    private async Task ConsumeAsync(Func<IReadOnlyList<BusMessage>, CancellationToken, ValueTask> handler, int maxBatch, ResiliencePipeline retry,
        Action<string> log, string filter, Action<string> current, CancellationToken token)
    {
        var reader = _queue.Reader;
        var items = new List<QueuedMessage>(maxBatch);
        var batch = new List<BusMessage>(maxBatch);
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (!_detached && reader.TryRead(out var first))
                {
                    // A batch: what waits now, in order, as long as its acknowledgement works the same way as the first's.
                    items.Clear();
                    batch.Clear();
                    items.Add(first);
                    while (items.Count < maxBatch && reader.TryPeek(out var next) && (next.Delivery is null) == (first.Delivery is null) && reader.TryRead(out next))
                        items.Add(next);
                    foreach (var item in items) batch.Add(item.Message);
                    current(first.Message.Topic);
                    try
                    {
                        if (first.Delivery is null)
                        {
                            try
                            {
                                await handler(batch, token).ConfigureAwait(false);
                            }
                            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                            {
                                log($"handler of subscription '{filter}' threw on {Messages(batch)}: {ex.GetType().Name}: {ex.Message}");
                            }
                        }
                        else
                        {
                            await retry.ExecuteAsync(static async (state, ct) => await state.handler(state.batch, ct).ConfigureAwait(false),
                                (handler, batch), token).ConfigureAwait(false);
                            foreach (var item in items) item.Delivery!.HandlerDone();
                        }
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        // Stopped while handling: the messages stay unacknowledged (redelivered to the next session).
                        return;
                    }
                    finally
                    {
                        foreach (var item in items) _budget.Release(item.Bytes);
                        items.Clear();
                    }
                }
                if (_detached) return;
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // What is still queued is never handled here: not acknowledged, its budget returned.
            while (reader.TryRead(out var left)) _budget.Release(left.Bytes);
        }
    }

    private static string Messages(List<BusMessage> batch) =>
        batch.Count == 1 ? $"a message to '{batch[0].Topic}'" : $"{batch.Count} messages to '{batch[0].Topic}'…";

    /// <summary>Queues a message without waiting; false when the queue is full or closed.</summary>
    public bool TryEnqueue(in QueuedMessage item) => _queue.Writer.TryWrite(item);

    /// <summary>Queues a message, waiting while the queue is full; returns false if the handler was removed.</summary>
    public async ValueTask<bool> EnqueueAsync(QueuedMessage item, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Stops delivery at once: closes the queue and cancels the handler's token (a message being handled stays unacknowledged).</summary>
    public void Stop()
    {
        _queue.Writer.TryComplete();
        try { _cts.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Stops delivery after the message being handled (if any): queued messages are not handed to the handler and
    /// stay unacknowledged. Waits up to <paramref name="grace"/> for the handler to finish, then cancels its token.
    /// </summary>
    public async Task DetachAsync(TimeSpan grace)
    {
        _detached = true;
        _queue.Writer.TryComplete();
        try
        {
            await _consumer.WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        Stop();
        await _consumer.ConfigureAwait(false);
    }

    /// <summary>The consumer task (ends after <see cref="Stop"/>).</summary>
    public Task Completion => _consumer;
}
