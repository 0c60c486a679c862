using System.Net;
using System.Net.Sockets;

namespace Twin.Messaging.Tests.Support;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a broker, so a test can cut a client's connection like a network failure
/// (<see cref="DropConnections"/>) or make the broker unreachable (<see cref="Stop"/>/<see cref="Start"/>).
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly List<TcpClient> _connections = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _cts;

    /// <summary>Creates and starts a relay to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Start();
    }

    /// <summary>Port the relay listens on.</summary>
    public int Port { get; }

    /// <summary>Accepts connections (again).</summary>
    public void Start()
    {
        if (_listener is not null) return;
        _cts = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoopAsync(_listener, _cts.Token);
    }

    /// <summary>Stops listening and drops every relayed connection (abortive close).</summary>
    public void Stop()
    {
        _cts?.Cancel();
        _listener?.Stop();
        _listener = null;
        DropConnections();
    }

    /// <summary>Drops every relayed connection without closing the listener.</summary>
    public void DropConnections()
    {
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                try { c.Client.LingerState = new LingerOption(true, 0); c.Close(); } catch (Exception) { }
            }
            _connections.Clear();
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            TcpClient inbound;
            try { inbound = await listener.AcceptTcpClientAsync(token); }
            catch (Exception) { return; }
            var outbound = new TcpClient();
            try { await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, token); }
            catch (Exception) { inbound.Close(); outbound.Close(); continue; }
            lock (_connections) { _connections.Add(inbound); _connections.Add(outbound); }
            _ = PumpAsync(inbound, outbound, token);
            _ = PumpAsync(outbound, inbound, token);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken token)
    {
        var buffer = new byte[16384];
        try
        {
            var src = from.GetStream();
            var dst = to.GetStream();
            while (true)
            {
                int n = await src.ReadAsync(buffer, token);
                if (n == 0) break;
                await dst.WriteAsync(buffer.AsMemory(0, n), token);
            }
        }
        catch (Exception) { }
        try { to.Client.Shutdown(SocketShutdown.Send); } catch (Exception) { }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
