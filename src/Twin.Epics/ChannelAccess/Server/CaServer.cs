using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.Epics.ChannelAccess.Circuit;
using Twin.Epics.ProcessVariables;

namespace Twin.Epics.ChannelAccess.Server;

/// <summary>
/// A Channel Access server (a soft IOC's network side) for the PVs of a <see cref="PvRegistry"/>: UDP name search and
/// beacons (<see cref="SearchResponder"/>, <see cref="BeaconSender"/>) and a TCP virtual circuit per client
/// (<see cref="CaCircuit"/>), to the Channel Access protocol specification (EPICS base, protocol minor version 13).
/// </summary>
public sealed class CaServer : IAsyncDisposable
{
    /// <summary>Circuits served at once; further connections are closed at once (default for <see cref="CaServer(PvRegistry, CaServerOptions, IWriteAccess?, ILogger?, TimeProvider?, Action{CaWriteAudit}?)"/>).</summary>
    public const int MaxCircuits = 512;

    private readonly PvRegistry _pvs;
    private readonly CaServerOptions _options;
    private readonly IWriteAccess _access;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Action<CaWriteAudit>? _audit;
    private readonly ConcurrentDictionary<CaCircuit, Task> _circuits = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _udp;
    private TcpListener? _tcp;
    private SearchResponder? _search;
    private BeaconSender? _beacons;
    private readonly List<Task> _loops = [];
    private long _refused;
    private long _closedByServer;

    /// <summary>Creates a server; <see cref="Start"/> binds it.</summary>
    /// <param name="pvs">The PVs.</param>
    /// <param name="options">Ports, interface, limits.</param>
    /// <param name="access">Who may write writable PVs (default: nobody).</param>
    /// <param name="log">Log.</param>
    /// <param name="time">Clock for beacons and throttled logs.</param>
    /// <param name="audit">Told of every write a client attempts.</param>
    public CaServer(PvRegistry pvs, CaServerOptions options, IWriteAccess? access = null, ILogger? log = null, TimeProvider? time = null, Action<CaWriteAudit>? audit = null)
    {
        _pvs = pvs;
        _options = options;
        _access = access ?? NoWriteAccess.Instance;
        _log = log ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _audit = audit;
    }

    /// <summary>The UDP search port (after <see cref="Start"/>).</summary>
    public int UdpPort { get; private set; }

    /// <summary>The TCP port clients connect to (after <see cref="Start"/>; the search port unless that was taken).</summary>
    public int TcpPort { get; private set; }

    /// <summary>Clients connected now.</summary>
    public int CircuitCount => _circuits.Count;

    /// <summary>Monitor updates sent since the start (to every client, connected now or gone).</summary>
    public long UpdatesSent => Interlocked.Read(ref _updatesOfClosedCircuits) + _circuits.Keys.Sum(c => c.UpdatesSent);

    private long _updatesOfClosedCircuits;

    /// <summary>Searches answered.</summary>
    public long SearchesAnswered => _search is null ? 0 : Interlocked.Read(ref _search.Answered);

    /// <summary>Search datagrams dropped as malformed.</summary>
    public long MalformedDatagrams => _search is null ? 0 : Interlocked.Read(ref _search.Malformed);

    /// <summary>Beacons sent.</summary>
    public long BeaconsSent => _beacons is null ? 0 : Interlocked.Read(ref _beacons.Sent);

    /// <summary>Circuits the server closed for a fault of the client (malformed message, limits).</summary>
    public long CircuitsClosedByServer => Interlocked.Read(ref _closedByServer);

    /// <summary>Connections refused because <see cref="MaxCircuits"/> were open.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _refused);

    /// <summary>Binds the UDP and TCP sockets and starts serving.</summary>
    /// <returns>This server.</returns>
    /// <exception cref="SocketException">The address or port cannot be bound (e.g. another program holds the TCP and UDP port without sharing).</exception>
    public CaServer Start()
    {
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        // several CA servers on one host share the search port, as EPICS servers do
        udp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        udp.EnableBroadcast = true;
        udp.Bind(new IPEndPoint(_options.Interface, _options.ServerPort));
        _udp = udp;
        UdpPort = ((IPEndPoint)udp.LocalEndPoint!).Port;
        _tcp = new TcpListener(_options.Interface, UdpPort);
        try
        {
            _tcp.Start();
        }
        catch (SocketException)
        {
            // another server holds the TCP port: search replies name the port this one got
            _tcp = new TcpListener(_options.Interface, 0);
            _tcp.Start();
        }
        TcpPort = ((IPEndPoint)_tcp.LocalEndpoint).Port;
        ushort Port() => (ushort)TcpPort;
        _search = new SearchResponder(udp, _pvs, Port, _log, _time);
        _beacons = new BeaconSender(udp, _options, Port, _log, _time);
        _loops.Add(Task.Run(() => _search.RunAsync(_stop.Token)));
        _loops.Add(Task.Run(() => _beacons.RunAsync(_stop.Token)));
        _loops.Add(Task.Run(AcceptLoopAsync));
        _log.LogInformation("Channel Access server on {Address}: UDP {Udp}, TCP {Tcp}, {Count} PVs", _options.Interface, UdpPort, TcpPort, _pvs.Count);
        return this;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _tcp!.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                _log.LogWarning("CA accept failed: {Error}", e.Message);
                continue;
            }
            if (_circuits.Count >= MaxCircuits)
            {
                Interlocked.Increment(ref _refused);
                _log.LogWarning("CA connection from {Peer} refused: {Max} circuits open", socket.RemoteEndPoint, MaxCircuits);
                socket.Dispose();
                continue;
            }
            socket.NoDelay = true;
            var circuit = new CaCircuit(socket, _pvs, _access, _options.Limits, _log, _time, _audit);
            // registered before it runs: a circuit that ends at once (the client already gone) removes itself, and the
            // task is recorded only while it is still registered
            _circuits[circuit] = Task.CompletedTask;
            _circuits.TryUpdate(circuit, ServeAsync(circuit), Task.CompletedTask);
        }
    }

    private async Task ServeAsync(CaCircuit circuit)
    {
        await Task.Yield();
        try
        {
            await circuit.RunAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.LogError(e, "CA circuit from {Peer} failed", circuit.Peer);
        }
        finally
        {
            if (circuit.ClosedBecause is not null) Interlocked.Increment(ref _closedByServer);
            await circuit.DisposeAsync().ConfigureAwait(false);
            // counted before it leaves the registry, so that the total never goes back
            Interlocked.Add(ref _updatesOfClosedCircuits, circuit.UpdatesSent);
            _circuits.TryRemove(circuit, out _);
        }
    }

    /// <summary>Stops serving: closes every circuit and the sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        _tcp?.Stop();
        _udp?.Dispose();
        foreach (var t in _loops.Concat(_circuits.Values).ToList())
        {
            try { await t.ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        }
        _stop.Dispose();
    }
}
