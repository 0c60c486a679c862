using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Twin.Messaging.Bus;

/// <summary>
/// The embedded default bus: publish/subscribe inside one process, no broker. Honours topic filters,
/// shared subscriptions (round-robin within a group) and retained messages; each subscription has a
/// bounded queue, so a slow subscriber makes publishers wait (back-pressure) rather than memory grow.
/// </summary>
/// <remarks>
/// Acknowledgement: with no broker to hold a message, a QoS 1 or 2 publish completes only when every matching
/// subscriber's handler has completed it — so "published" means "handled", as an MQTT broker's PUBACK means "the
/// broker holds it" — and a handler that throws fails the publish with <see cref="MessageHandlerException"/>
/// instead of losing the message (the publisher keeps it and may retry). A publish made from inside a handler
/// of this bus does not wait (handlers never wait for each other, so they cannot deadlock); QoS 0 never waits.
/// </remarks>
public sealed class InProcessBus : IMessageBus
{
    private readonly ConcurrentDictionary<string, BusMessage> _retained = new(StringComparer.Ordinal);
    private readonly List<Subscription> _subscriptions = [];
    private readonly Dictionary<string, int> _shareCursor = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly int _queueCapacity;
    private readonly ILogger? _log;
    private static readonly AsyncLocal<InProcessBus?> s_handling = new();
    private bool _disposed;

    /// <summary>Creates a bus.</summary>
    /// <param name="queueCapacity">Messages queued per subscription before publishers wait; ≥ 1.</param>
    /// <param name="log">Logs each handler failure as a warning; null to ignore.</param>
    /// <exception cref="ArgumentOutOfRangeException">Capacity below 1.</exception>
    public InProcessBus(int queueCapacity = 10_000, ILogger? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        _queueCapacity = queueCapacity;
        _log = log;
    }

    /// <summary>Messages published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    private long _published;

    /// <summary>
    /// Publishes a message to every matching subscription. QoS 0, and any publish from inside a handler of this bus,
    /// completes once the message is queued; QoS 1 and 2 complete when every matching handler has completed it.
    /// </summary>
    /// <param name="message">The message; its topic must not contain wildcards.</param>
    /// <param name="cancellationToken">Cancels waiting; the message may still be handled.</param>
    /// <returns>A task that completes as described.</returns>
    /// <exception cref="ArgumentException">Invalid topic.</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    /// <exception cref="MessageHandlerException">A handler threw, or its subscription closed before handling the message.</exception>
    public async ValueTask PublishAsync(BusMessage message, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TopicFilter.ValidateTopicName(message.Topic);
        if (message.Retain)
        {
            if (message.Payload.IsEmpty) _retained.TryRemove(message.Topic, out _);
            else _retained[message.Topic] = message;
        }
        List<Subscription> targets;
        lock (_gate) targets = Targets(message.Topic);
        // Retain flag as delivered to existing subscribers is false (MQTT 5.0 §3.3.1.3 without retain-as-published).
        var delivered = message.Retain ? message with { Retain = false } : message;
        bool wait = message.Qos != QualityOfService.AtMostOnce && !ReferenceEquals(s_handling.Value, this);
        List<Task>? handled = null;
        foreach (var s in targets)
        {
            var done = wait ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
            try
            {
                await s.Queue.Writer.WriteAsync(new Delivery(delivered, done), cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                continue; // unsubscribed meanwhile: as on a broker, a subscription that is gone receives nothing
            }
            if (done is not null) (handled ??= []).Add(done.Task);
        }
        Interlocked.Increment(ref _published);
        if (handled is not null) await Task.WhenAll(handled).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> SubscribeAsync(string topicFilter, QualityOfService qos,
        Func<BusMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TopicFilter.ValidateFilter(topicFilter);
        var sub = new Subscription(this, topicFilter, handler, _queueCapacity);
        lock (_gate) _subscriptions.Add(sub);
        string inner = TopicFilter.Inner(topicFilter, out string? group);
        if (group is null)
        {
            foreach (var r in _retained.Values.Where(r => TopicFilter.Matches(inner, r.Topic)).OrderBy(r => r.Topic, StringComparer.Ordinal))
                sub.Queue.Writer.TryWrite(new Delivery(r, null));
        }
        sub.Start();
        return ValueTask.FromResult<IAsyncDisposable>(sub);
    }

    /// <summary>Completes every subscription after its queued messages were handled.</summary>
    /// <returns>A task that completes when all handlers have finished.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        Subscription[] subs;
        lock (_gate) subs = [.. _subscriptions];
        foreach (var s in subs) await s.DisposeAsync().ConfigureAwait(false);
    }

    private List<Subscription> Targets(string topic)
    {
        var targets = new List<Subscription>();
        Dictionary<string, List<Subscription>>? groups = null;
        foreach (var s in _subscriptions)
        {
            if (!TopicFilter.Matches(s.Filter, topic)) continue;
            TopicFilter.Inner(s.Filter, out string? group);
            if (group is null)
            {
                targets.Add(s);
                continue;
            }
            groups ??= new(StringComparer.Ordinal);
            string key = group + "\n" + TopicFilter.Inner(s.Filter, out _);
            if (!groups.TryGetValue(key, out var members)) groups[key] = members = [];
            members.Add(s);
        }
        if (groups is not null)
        {
            foreach (var (key, members) in groups)
            {
                _shareCursor.TryGetValue(key, out int cursor);
                targets.Add(members[cursor % members.Count]);
                _shareCursor[key] = cursor + 1;
            }
        }
        return targets;
    }

    private void Remove(Subscription s)
    {
        lock (_gate) _subscriptions.Remove(s);
    }

    /// <summary>How long disposing a subscription waits for its queued messages to be handled.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A queued message and, when its publisher waits, what completes when it was handled.</summary>
    private readonly record struct Delivery(BusMessage Message, TaskCompletionSource? Handled);

    private sealed class Subscription(InProcessBus bus, string filter, Func<BusMessage, CancellationToken, ValueTask> handler, int capacity) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private int _disposed;

        public string Filter { get; } = filter;

        public Channel<Delivery> Queue { get; } = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        public void Start() => _loop = Task.Run(RunAsync);

        private async Task RunAsync()
        {
            s_handling.Value = bus;
            await foreach (var d in Queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (_stop.IsCancellationRequested)
                {
                    Abandon(d);
                    continue;
                }
                try
                {
                    await handler(d.Message, _stop.Token).ConfigureAwait(false);
                    d.Handled?.TrySetResult();
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    bus._log?.LogWarning("handler for '{Filter}' failed on '{Topic}': {Error}", Filter, d.Message.Topic, e.Message);
                    d.Handled?.TrySetException(new MessageHandlerException(Filter, d.Message.Topic, e));
                }
                catch (OperationCanceledException)
                {
                    Abandon(d);
                }
            }
        }

        private void Abandon(Delivery d) =>
            d.Handled?.TrySetException(new MessageHandlerException(Filter, d.Message.Topic, new ObjectDisposedException(nameof(InProcessBus), "the subscription closed before the message was handled")));

        /// <summary>Stops delivery: queued messages get up to <see cref="DrainTimeout"/> to be handled, then the
        /// handler's token is cancelled and what is left is dropped (the in-process bus keeps nothing across runs);
        /// a publisher waiting for a dropped message gets a <see cref="MessageHandlerException"/>.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            bus.Remove(this);
            Queue.Writer.TryComplete();
            await Task.WhenAny(_loop, Task.Delay(DrainTimeout)).ConfigureAwait(false);
            _stop.Cancel();
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            while (Queue.Reader.TryRead(out var left)) Abandon(left);
            _stop.Dispose();
        }
    }
}
