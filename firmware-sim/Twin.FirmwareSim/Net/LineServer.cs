using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.FirmwareSim.Faults;

namespace Twin.FirmwareSim.Net;

/// <summary>
/// A TCP line server for a simulated instrument: listens on an address (127.0.0.1 by default; port 0 = a free
/// port, see <see cref="Port"/>), splits every connection's input into lines on the terminator ("\n", a preceding
/// "\r" is dropped) and hands them to the <see cref="ILineDevice"/>. Connections may follow one another; lines from
/// concurrent connections are handled one at a time. Link faults come from the optional <see cref="FaultInjector"/>.
/// </summary>
public sealed class LineServer : IAsyncDisposable
{
    private readonly ILineDevice _device;
    private readonly ILogger _logger;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _deviceGate = new(1, 1);
    private readonly Lock _gate = new();
    private readonly HashSet<LineConnection> _connections = [];
    private Task? _acceptLoop;
    private long _accepted;

    /// <summary>Creates the server (not listening yet; call <see cref="Start"/>).</summary>
    /// <param name="device">The simulated instrument.</param>
    /// <param name="faults">Fault injection shared with the device (optional).</param>
    /// <param name="address">Listen address; default 127.0.0.1.</param>
    /// <param name="port">TCP port; 0 = any free port.</param>
    /// <param name="terminator">Line terminator for input splitting and replies; default "\n".</param>
    /// <param name="logger">Logger (optional).</param>
    /// <exception cref="ArgumentException">Empty terminator or port out of range.</exception>
    public LineServer(ILineDevice device, FaultInjector? faults = null, IPAddress? address = null, int port = 0, string terminator = "\n", ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentException.ThrowIfNullOrEmpty(terminator);
        if (port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "port must be 0–65535");
        _device = device;
        Faults = faults ?? new FaultInjector();
        Terminator = terminator;
        _logger = logger ?? NullLogger.Instance;
        _listener = new TcpListener(address ?? IPAddress.Loopback, port);
        Faults.DropRequested += DropConnections;
    }

    /// <summary>The fault injector in use (the one given, or a private one with every fault off).</summary>
    public FaultInjector Faults { get; }

    /// <summary>The line terminator.</summary>
    public string Terminator { get; }

    /// <summary>The bound port (valid after <see cref="Start"/>).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The bound address and port (valid after <see cref="Start"/>).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>The address a driver connects to, e.g. <c>tcp://127.0.0.1:41234</c>.</summary>
    public string Address => $"tcp://{EndPoint.Address}:{Port}";

    /// <summary>Completes when the first line from any client reached the device (e.g. a driver's first command; a pty
    /// bridge connecting sends nothing).</summary>
    public Task FirstLineReceived => _firstLine.Task;

    private readonly TaskCompletionSource _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Connections accepted so far.</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections open now.</summary>
    public int ActiveConnections
    {
        get { lock (_gate) return _connections.Count; }
    }

    /// <summary>Binds and starts accepting connections.</summary>
    /// <returns>This server.</returns>
    /// <exception cref="SocketException">The address/port cannot be bound.</exception>
    public LineServer Start()
    {
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
        _logger.LogInformation("{Device} listening on {Address}", _device.Name, Address);
        return this;
    }

    /// <summary>Closes every open connection now (the server keeps listening).</summary>
    public void DropConnections()
    {
        LineConnection[] open;
        lock (_gate) open = [.. _connections];
        foreach (var c in open) c.Abort();
    }

    private Task AcceptLoopAsync() => AcceptLoop.RunAsync(_listener, _logger, socket =>
    {
        Interlocked.Increment(ref _accepted);
        var connection = new LineConnection(socket, this);
        lock (_gate) _connections.Add(connection);
        _ = RunConnectionAsync(connection);
    }, _stop.Token);

    private async Task RunConnectionAsync(LineConnection connection)
    {
        try
        {
            await connection.RunAsync(_stop.Token).ConfigureAwait(false);
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
            lock (_gate) _connections.Remove(connection);
            connection.Abort();
            try { _device.OnDisconnected(); }
            catch (Exception e) { _logger.LogError(e, "{Device} OnDisconnected failed", _device.Name); }
        }
    }

    /// <summary>Hands one line to the device (one line at a time across connections).</summary>
    internal async ValueTask HandleLineAsync(string line, ILineReplySink sink, CancellationToken ct)
    {
        if (!_firstLine.Task.IsCompleted) _firstLine.TrySetResult();
        await _deviceGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _device.HandleLineAsync(line, sink, ct).ConfigureAwait(false);
        }
        finally
        {
            _deviceGate.Release();
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
