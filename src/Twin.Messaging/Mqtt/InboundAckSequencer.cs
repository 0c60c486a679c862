using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Mqtt;

/// <summary>
/// One inbound QoS 1 message whose PUBACK waits until every handler it was given to has finished with it
/// (<see cref="MqttClientOptions.AcknowledgeAfterHandling"/>).
/// </summary>
internal sealed class InboundDelivery
{
    private int _pending;

    public InboundDelivery(InboundAckSequencer sequencer, ushort packetId, int handlers)
    {
        Sequencer = sequencer;
        PacketId = packetId;
        _pending = handlers;
    }

    public InboundAckSequencer Sequencer { get; }

    public ushort PacketId { get; }

    public bool Done => Volatile.Read(ref _pending) <= 0;

    /// <summary>A handler finished (successfully or not); the last one releases the acknowledgement.</summary>
    public void HandlerDone()
    {
        if (Interlocked.Decrement(ref _pending) == 0) Sequencer.Release();
    }
}

/// <summary>
/// Sends the PUBACKs of one connection in the order the PUBLISH packets arrived (MQTT 5.0 §4.6,
/// [MQTT-4.6.0-2]) while letting their handlers finish in any order: an acknowledgement goes out once its
/// message and every earlier one are handled. A connection that is lost drops its pending acknowledgements;
/// the broker redelivers those messages on the resumed session.
/// </summary>
internal sealed class InboundAckSequencer(MqttConnection connection, Action<string> log, CancellationToken lifetime)
{
    private readonly Queue<InboundDelivery> _order = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>Registers a message in arrival order.</summary>
    public InboundDelivery Register(ushort packetId, int handlers)
    {
        var d = new InboundDelivery(this, packetId, handlers);
        lock (_order) _order.Enqueue(d);
        if (handlers <= 0) Release();
        return d;
    }

    /// <summary>Sends every acknowledgement at the head of the queue whose message is handled.</summary>
    public void Release() => _ = SendReadyAsync();

    private async Task SendReadyAsync()
    {
        await _sendLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            while (true)
            {
                InboundDelivery? head;
                lock (_order)
                {
                    if (_order.Count == 0 || !_order.Peek().Done) return;
                    head = _order.Dequeue();
                }
                await connection.SendAsync(new PubAckPacket { PacketId = head.PacketId }, lifetime).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            log($"PUBACK not sent, the connection is gone ({e.Message}); the broker redelivers on the resumed session");
            lock (_order) _order.Clear();
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
