using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Twin.Epics.ChannelAccess.Codec;
using Twin.Epics.ProcessVariables;

namespace Twin.Epics.ChannelAccess.Circuit;

/// <summary>
/// One Channel Access virtual circuit (a client's TCP connection): sends the server's CA_PROTO_VERSION first, then
/// reads messages and answers them (<see cref="CaCircuit"/>'s request handlers) while <see cref="CaOutput"/> sends
/// replies and monitor updates. Anything malformed or beyond <see cref="CircuitLimits"/> — a truncated or oversized
/// message, an unknown command, too many channels — closes this circuit with a log line; nothing else is affected.
/// </summary>
internal sealed partial class CaCircuit : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PvRegistry _pvs;
    private readonly IWriteAccess _access;
    private readonly CircuitLimits _limits;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly CaOutput _output;
    private readonly Dictionary<uint, CaChannel> _channels = [];
    private readonly Dictionary<uint, CaSubscription> _subscriptions = [];
    private readonly CancellationTokenSource _stop = new();
    private uint _nextSid = 1;

    public CaCircuit(Socket socket, PvRegistry pvs, IWriteAccess access, CircuitLimits limits, ILogger log, TimeProvider time, Action<CaWriteAudit>? audit)
    {
        _socket = socket;
        _pvs = pvs;
        _access = access;
        _limits = limits;
        _log = log;
        _time = time;
        _audit = audit;
        _output = new CaOutput(socket, limits);
        Peer = socket.RemoteEndPoint as IPEndPoint;
    }

    /// <summary>The client's address.</summary>
    public IPEndPoint? Peer { get; }

    /// <summary>The client's user name (CA_PROTO_CLIENT_NAME), "" until sent.</summary>
    public string User { get; private set; } = "";

    /// <summary>The client's host name (CA_PROTO_HOST_NAME), "" until sent.</summary>
    public string Host { get; private set; } = "";

    /// <summary>Why the circuit was closed by the server, or null.</summary>
    public string? ClosedBecause { get; private set; }

    /// <summary>Channels connected now.</summary>
    public int ChannelCount => _channels.Count;

    /// <summary>Monitor updates sent so far.</summary>
    public long UpdatesSent => _output.UpdatesSent;

    /// <summary>Serves the circuit until the client leaves, a fault closes it, or <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        _output.Reply(CaMessage.Bare(CaHeader.Of(CaCommand.Version, 0, 0, CaMessage.MinorVersion)));
        var sending = _output.RunAsync(linked.Token);
        try
        {
            await ReadLoopAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try { await sending.ConfigureAwait(false); }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException) { }
            Release();
        }
    }

    private async Task ReadLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[CaHeader.ExtendedSize + _limits.MaxPayloadBytes + 4096];
        int filled = 0;
        // the silence window restarts when bytes arrive, before they are answered: a client that has its reply knows
        // the window it is in
        var silence = new CancellationTokenSource(_limits.IdleTimeout, _time);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int n;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct, silence.Token))
                {
                    try
                    {
                        n = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        Close($"silent for {_limits.IdleTimeout.TotalSeconds:0} s");
                        return;
                    }
                }
                if (n == 0) return; // the client closed
                silence.Dispose();
                silence = new CancellationTokenSource(_limits.IdleTimeout, _time);
                if (!Consume(buffer, ref filled, n)) return;
            }
        }
        finally
        {
            silence.Dispose();
        }
    }

    /// <summary>Answers every complete message in the buffer and keeps the rest. Returns false when the circuit is to be closed.</summary>
    private bool Consume(byte[] buffer, ref int filled, int received)
    {
        filled += received;
        int at = 0;
        while (CaHeader.TryRead(buffer.AsSpan(at, filled - at), out var header, out int headerLength))
        {
            if (header.PayloadSize > _limits.MaxPayloadBytes)
            {
                Close($"message {header.Command} announces a {header.PayloadSize}-byte payload, more than the {_limits.MaxPayloadBytes} accepted");
                return false;
            }
            int total = headerLength + (int)header.PayloadSize;
            if (filled - at < total) break;
            if (!Handle(header, buffer.AsSpan(at + headerLength, (int)header.PayloadSize))) return false;
            at += total;
        }
        if (at > 0)
        {
            Buffer.BlockCopy(buffer, at, buffer, 0, filled - at);
            filled -= at;
        }
        return true;
    }

    /// <summary>Closes the circuit for a reason (logged once).</summary>
    private void Close(string why)
    {
        if (ClosedBecause is not null) return;
        ClosedBecause = why;
        _log.LogWarning("CA circuit from {Peer} ({User}@{Host}) closed: {Why}", Peer, User, Host, why);
        _stop.Cancel();
    }

    private void Release()
    {
        foreach (var s in _subscriptions.Values)
        {
            s.Active = false;
            s.Channel.Pv.Unobserve(s);
        }
        _subscriptions.Clear();
        _channels.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
