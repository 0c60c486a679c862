using System.Collections.Concurrent;
using System.Net.Sockets;
using Twin.Epics.ChannelAccess.Codec;

namespace Twin.Epics.ChannelAccess.Circuit;

/// <summary>
/// What a circuit sends: replies in order, then the monitors with an update pending (each encoded from the PV's value
/// at that moment). One sender task writes to the socket; the twin's updates only mark subscriptions pending and wake
/// it, so a slow client never blocks the updater. Replies a client does not read are bounded by
/// <see cref="CircuitLimits.MaxQueuedReplyBytes"/>.
/// </summary>
internal sealed class CaOutput
{
    private readonly Socket _socket;
    private readonly CircuitLimits _limits;
    private readonly ConcurrentQueue<byte[]> _replies = new();
    private readonly ConcurrentQueue<CaSubscription> _pending = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _queuedBytes;
    private volatile bool _eventsOff;

    public CaOutput(Socket socket, CircuitLimits limits)
    {
        _socket = socket;
        _limits = limits;
    }

    /// <summary>Monitor updates sent.</summary>
    public long UpdatesSent;

    /// <summary>Queues a reply.</summary>
    /// <returns>False when the client has left more than the limit unread (the circuit is to be closed).</returns>
    public bool Reply(byte[] message)
    {
        if (Interlocked.Add(ref _queuedBytes, message.Length) > _limits.MaxQueuedReplyBytes) return false;
        _replies.Enqueue(message);
        Wake();
        return true;
    }

    /// <summary>A subscription has an update to send.</summary>
    public void Pending(CaSubscription s)
    {
        _pending.Enqueue(s);
        if (!_eventsOff) Wake();
    }

    /// <summary>CA_PROTO_EVENTS_OFF / ON: the client's flow control (updates wait, coalesced, while off).</summary>
    public bool EventsOff
    {
        get => _eventsOff;
        set
        {
            _eventsOff = value;
            if (!value) Wake();
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Sends until cancelled or the socket fails.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        while (!ct.IsCancellationRequested)
        {
            await _wake.WaitAsync(ct).ConfigureAwait(false);
            while (true)
            {
                int n = Fill(ref buffer);
                if (n == 0) break;
                int sent = 0;
                while (sent < n) sent += await _socket.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, ct).ConfigureAwait(false);
            }
        }
    }

    private int Fill(ref byte[] buffer)
    {
        int at = 0;
        while (_replies.TryPeek(out var r))
        {
            if (at > 0 && at + r.Length > buffer.Length) return at;
            if (r.Length > buffer.Length) Array.Resize(ref buffer, r.Length);
            _replies.TryDequeue(out _);
            Interlocked.Add(ref _queuedBytes, -r.Length);
            r.CopyTo(buffer, at);
            at += r.Length;
        }
        if (_eventsOff) return at;
        while (_pending.TryPeek(out var s))
        {
            int size = CaHeader.Padded(DbrEncoder.Size(s.Type, s.Count)) + CaHeader.ExtendedSize;
            if (at > 0 && at + size > buffer.Length) return at;
            if (size > buffer.Length) Array.Resize(ref buffer, size);
            _pending.TryDequeue(out _);
            s.TakePending();
            if (!s.Active) continue;
            at += Encode(s, buffer.AsSpan(at));
            Interlocked.Increment(ref UpdatesSent);
        }
        return at;
    }

    /// <summary>An update (CA_PROTO_EVENT_ADD response) with the PV's value now.</summary>
    private static int Encode(CaSubscription s, Span<byte> destination)
    {
        var pv = s.Channel.Pv;
        var value = pv.Value;
        int payload = CaHeader.Padded(DbrEncoder.Size(s.Type, s.Count));
        var header = CaHeader.Of(CaCommand.EventAdd, (uint)payload, s.Type, (uint)s.Count, (uint)CaStatus.Normal, s.Id);
        int at = header.WriteTo(destination);
        destination.Slice(at, payload).Clear();
        DbrEncoder.Encode(pv.Kind, pv.Metadata, value, s.Type, s.Count, destination[at..]);
        return at + payload;
    }
}
