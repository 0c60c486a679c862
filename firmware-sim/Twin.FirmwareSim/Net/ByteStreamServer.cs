using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.FirmwareSim.Faults;

namespace Twin.FirmwareSim.Net;

/// <summary>
/// A TCP server for a simulated instrument with a binary link (<see cref="IByteStreamDevice"/>): every connection's
/// bytes go to the device as they arrive, and what the device sends goes to every open connection (a serial port has
/// one wire; with <see cref="PtyBridge"/> the one client is socat). Link faults come from the
/// <see cref="FaultInjector"/>: <see cref="FaultInjector.Blackhole"/> swallows received bytes and withholds output,
/// <see cref="FaultInjector.SilentReplies"/> withholds output, <see cref="FaultInjector.Garbage"/> replaces the next N
/// sent messages by as many random data bytes (0x00–0x7F: bytes that, without a command byte, no Firmata host can
/// decode — fully random bytes would now and then form a valid analog report, which a host must take as a reading),
/// <see cref="FaultInjector.DropLinkNow"/> closes the connections.
/// </summary>
public sealed class ByteStreamServer : IAsyncDisposable, IByteSink
{
    private readonly IByteStreamDevice _device;
    private readonly ILogger _logger;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _deviceGate = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Socket> _connections = [];
    private Task? _acceptLoop;
    private long _accepted, _received, _sent;

    /// <summary>Creates the server (not listening yet; call <see cref="Start"/>).</summary>
    /// <param name="device">The simulated instrument.</param>
    /// <param name="faults">Fault injection (optional).</param>
    /// <param name="address">Listen address; default 127.0.0.1.</param>
    /// <param name="port">TCP port; 0 = any free port.</param>
    /// <param name="logger">Logger (optional).</param>
    /// <exception cref="ArgumentOutOfRangeException">Port out of range.</exception>
    public ByteStreamServer(IByteStreamDevice device, FaultInjector? faults = null, IPAddress? address = null, int port = 0, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "port must be 0–65535");
        _device = device;
        Faults = faults ?? new FaultInjector();
        _logger = logger ?? NullLogger.Instance;
        _listener = new TcpListener(address ?? IPAddress.Loopback, port);
        Faults.DropRequested += DropConnections;
    }

    /// <summary>The fault injector in use.</summary>
    public FaultInjector Faults { get; }

    /// <summary>The bound port (valid after <see cref="Start"/>).</summary>
    public int Port => EndPoint.Port;

    /// <summary>The bound address and port (valid after <see cref="Start"/>).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>The address a client connects to, e.g. <c>tcp://127.0.0.1:41234</c>.</summary>
    public string Address => $"tcp://{EndPoint.Address}:{Port}";

    /// <summary>Connections accepted so far.</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);

    /// <summary>Bytes handed to the device so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _received);

    /// <summary>Bytes written to clients so far (garbage included).</summary>
    public long BytesSent => Interlocked.Read(ref _sent);

    /// <summary>Binds, attaches the device and starts accepting connections.</summary>
    /// <returns>This server.</returns>
    /// <exception cref="SocketException">The address/port cannot be bound.</exception>
    public ByteStreamServer Start()
    {
        _listener.Start();
        _device.Attach(this);
        _acceptLoop = Task.Run(AcceptLoopAsync);
        _logger.LogInformation("{Device} listening on {Address}", _device.Name, Address);
        return this;
    }

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || Faults.WithholdReply()) return;
        byte[]? garbage = null;
        if (Faults.TakeGarbage())
        {
            garbage = new byte[bytes.Length];
            Random.Shared.NextBytes(garbage);
            for (int i = 0; i < garbage.Length; i++) garbage[i] &= 0x7F;
            bytes = garbage;
        }
        Socket[] open;
        lock (_gate) open = [.. _connections];
        foreach (var socket in open)
        {
            try
            {
                lock (socket) socket.Send(bytes);
                Interlocked.Add(ref _sent, bytes.Length);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                _logger.LogDebug("send failed, closing the connection: {Error}", e.Message);
                Close(socket);
            }
        }
    }

    /// <summary>Closes every open connection now (the server keeps listening).</summary>
    public void DropConnections()
    {
        Socket[] open;
        lock (_gate) open = [.. _connections];
        foreach (var s in open) Close(s);
    }

    private void Close(Socket socket)
    {
        lock (_gate) _connections.Remove(socket);
        try { socket.Shutdown(SocketShutdown.Both); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        socket.Dispose();
    }

    private Task AcceptLoopAsync() => AcceptLoop.RunAsync(_listener, _logger, socket =>
    {
        // a client that stops reading must not block the device's reports for long (modelling choice: 1 s)
        socket.SendTimeout = 1000;
        Interlocked.Increment(ref _accepted);
        lock (_gate) _connections.Add(socket);
        _ = RunConnectionAsync(socket);
    }, _stop.Token);

    private async Task RunConnectionAsync(Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0) break;
                if (Faults.SwallowLine()) continue;
                Interlocked.Add(ref _received, n);
                lock (_deviceGate) _device.Receive(buffer.AsSpan(0, n));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogDebug("connection ended: {Error}", e.Message);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "{Device} connection failed", _device.Name);
        }
        finally
        {
            Close(socket);
            try { _device.OnDisconnected(); }
            catch (Exception e) { _logger.LogError(e, "{Device} OnDisconnected failed", _device.Name); }
        }
    }

    /// <summary>Stops listening and closes every connection.</summary>
    /// <returns>A task completing when the accept loop has ended.</returns>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener.Stop();
        DropConnections();
        if (_acceptLoop is not null)
        {
            try { await _acceptLoop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        Faults.DropRequested -= DropConnections;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
