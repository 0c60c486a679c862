namespace Twin.Messaging.Mqtt;

/// <summary>
/// Bounds the bytes of received messages that are queued for, or being handled by, subscription handlers
/// (<see cref="MqttClientOptions.MaxInboundBytes"/>). MQTT 5 flow control (Receive Maximum, MQTT 5.0 §4.9) bounds
/// only the number of unacknowledged messages, not their size: a burst of large messages would otherwise fill the
/// heap. While the budget is spent the connection's reader stops reading, so TCP holds the broker back.
/// </summary>
/// <remarks>
/// The reader must not stop while this client waits for an acknowledgement of its own publication (a handler
/// that publishes and awaits the PUBACK would otherwise wait for a packet the reader never reads): then a
/// message is admitted over the budget. The overshoot is bounded by what the broker can put in the TCP buffers
/// ahead of that acknowledgement.
/// </remarks>
internal sealed class InboundBudget(long limit)
{
    private readonly object _gate = new();
    private long _used;
    private int _waiters;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Bytes admitted and not yet released.</summary>
    public long Used
    {
        get { lock (_gate) return _used; }
    }

    /// <summary>The bound in bytes.</summary>
    public long Limit => limit;

    /// <summary>Takes <paramref name="bytes"/> from the budget unconditionally (the caller checked for room).</summary>
    public void Take(long bytes)
    {
        lock (_gate) _used += bytes;
    }

    /// <summary>Gives <paramref name="bytes"/> back and wakes a waiting reader.</summary>
    public void Release(long bytes)
    {
        if (bytes <= 0) return;
        lock (_gate) _used = Math.Max(0, _used - bytes);
        Pulse();
    }

    /// <summary>Wakes a waiting reader so it looks again (e.g. this client started waiting for a PUBACK).</summary>
    public void Pulse()
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            if (_waiters == 0) return;
            old = _changed;
            _changed = NewSignal();
        }
        old.TrySetResult();
    }

    /// <summary>
    /// Completes when <paramref name="bytes"/> fit the budget, when nothing is admitted (a single message larger than
    /// the budget still goes through, alone), or when <paramref name="mustRead"/> says the reader has to go on.
    /// </summary>
    public async ValueTask WaitForRoomAsync(long bytes, Func<bool> mustRead, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_used == 0 || _used + bytes <= limit) return;
            _waiters++;
        }
        try
        {
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_used == 0 || _used + bytes <= limit) return;
                    changed = _changed.Task;
                }
                // Checked after taking the signal: a change after this point completes it.
                if (mustRead()) return;
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_gate) _waiters--;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
