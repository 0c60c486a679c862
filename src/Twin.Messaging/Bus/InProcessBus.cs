using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Twin.Messaging.Bus;

/// <summary>
/// The embedded default bus: publish/subscribe inside one process, no broker. Honours topic filters,
/// shared subscriptions (round-robin within a group) and retained messages; each subscription has a
/// bounded queue, so a slow subscriber makes publishers wait (back-pressure) rather than memory grow.
/// </summary>
public sealed class InProcessBus : IMessageBus
{
    private readonly ConcurrentDictionary<string, BusMessage> _retained = new(StringComparer.Ordinal);
    private readonly List<Subscription> _subscriptions = [];
    private readonly Dictionary<string, int> _shareCursor = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly int _queueCapacity;
    private readonly Action<string>? _log;
    private bool _disposed;

    /// <summary>Creates a bus.</summary>
    /// <param name="queueCapacity">Messages queued per subscription before publishers wait; ≥ 1.</param>
    /// <param name="log">Receives one line per handler failure; null to ignore.</param>
    /// <exception cref="ArgumentOutOfRangeException">Capacity below 1.</exception>
    public InProcessBus(int queueCapacity = 10_000, Action<string>? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        _queueCapacity = queueCapacity;
        _log = log;
    }

    /// <summary>Messages published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    private long _published;

    /// <inheritdoc />
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
        foreach (var s in targets) await s.Queue.Writer.WriteAsync(delivered, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _published);
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
                sub.Queue.Writer.TryWrite(r);
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

    private sealed class Subscription(InProcessBus bus, string filter, Func<BusMessage, CancellationToken, ValueTask> handler, int capacity) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private int _disposed;

        public string Filter { get; } = filter;

        public Channel<BusMessage> Queue { get; } = Channel.CreateBounded<BusMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        public void Start() => _loop = Task.Run(RunAsync);

        private async Task RunAsync()
        {
            await foreach (var m in Queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (_stop.IsCancellationRequested) return;
                try
                {
                    await handler(m, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    bus._log?.Invoke($"handler for '{Filter}' failed on '{m.Topic}': {e.Message}");
                }
            }
        }

        /// <summary>Stops delivery: queued messages get up to <see cref="DrainTimeout"/> to be handled, then the
        /// handler's token is cancelled and what is left is dropped (the in-process bus keeps nothing across runs).</summary>
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
            _stop.Dispose();
        }
    }
}
