using System.Net.Sockets;

namespace Twin.Drivers.Transports;

/// <summary>
/// A raw TCP socket to an instrument (the SCPI "raw socket" service, port 5025 by default): connect with a
/// timeout, TCP_NODELAY (each command goes out at once) and TCP keep-alive (a dead peer is noticed on an idle link).
/// </summary>
public sealed class TcpTransport : ITransport
{
    /// <summary>The IANA-registered SCPI raw-socket port.</summary>
    public const int DefaultPort = 5025;

    private readonly Lock _gate = new();
    private Socket? _socket;
    private NetworkStream? _stream;

    /// <summary>Creates the transport (nothing is connected yet).</summary>
    /// <param name="host">Host name or IP address.</param>
    /// <param name="port">TCP port (1–65535).</param>
    /// <param name="connectTimeout">Connect timeout; default 3 s.</param>
    /// <exception cref="ArgumentException">Empty host or port out of range.</exception>
    public TcpTransport(string host, int port = DefaultPort, TimeSpan? connectTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "TCP port must be 1–65535");
        Host = host;
        Port = port;
        ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(3);
        Endpoint = host.Contains(':') ? $"tcp://[{host}]:{port}" : $"tcp://{host}:{port}";
    }

    /// <summary>Host name or address.</summary>
    public string Host { get; }

    /// <summary>TCP port.</summary>
    public int Port { get; }

    /// <summary>How long <see cref="OpenAsync"/> waits for the connection.</summary>
    public TimeSpan ConnectTimeout { get; }

    /// <inheritdoc />
    public string Endpoint { get; }

    /// <inheritdoc />
    public bool IsOpen
    {
        get { lock (_gate) return _socket is { Connected: true }; }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The transport is not open.</exception>
    public Stream Stream
    {
        get
        {
            lock (_gate) return _stream ?? throw new InvalidOperationException($"{Endpoint}: not connected");
        }
    }

    /// <inheritdoc />
    /// <exception cref="TransportException">Connection refused, unreachable, or no answer within <see cref="ConnectTimeout"/>.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        Close();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 10);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 3);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(Host, Port, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TransportException(Endpoint, $"no connection within {ConnectTimeout.TotalSeconds:0.0} s");
            }
            catch (SocketException e)
            {
                throw new TransportException(Endpoint, $"cannot connect: {e.Message} ({e.SocketErrorCode})", e);
            }
            lock (_gate)
            {
                _socket = socket;
                _stream = new NetworkStream(socket, ownsSocket: true);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Close()
    {
        NetworkStream? stream;
        Socket? socket;
        lock (_gate)
        {
            stream = _stream;
            socket = _socket;
            _stream = null;
            _socket = null;
        }
        stream?.Dispose();
        socket?.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => Endpoint;
}
