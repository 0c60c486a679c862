using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Epics.ChannelAccess.Circuit;
using Twin.Epics.ChannelAccess.Server;
using Twin.Epics.ProcessVariables;
using Twin.Service.Config;
using Twin.Service.Ingest;
using Twin.Service.Settings;

namespace Twin.Service.Epics;

/// <summary>
/// The twin as a soft IOC: every cell's PVs (<see cref="CellPvs"/>) served by a Channel Access server, updated after
/// every stored batch and pattern (the ingest service's events, which only store the newest value and wake the
/// circuits — a slow client never holds the twin). Writes are audited like dashboard changes.
/// </summary>
public sealed class TwinSoftIoc : IHostedService, IAsyncDisposable
{
    private readonly TwinIngestService _ingest;
    private readonly ILogger _log;
    private readonly Dictionary<string, CellPvs> _cells = new(StringComparer.Ordinal);
    private readonly CaServer _server;

    /// <summary>Creates the PVs of every cell and the server (not yet bound).</summary>
    /// <param name="config">Prefix, interface, port, writers.</param>
    /// <param name="ingest">The twin.</param>
    /// <param name="patterns">Where pattern requests go.</param>
    /// <param name="audit">The audit log.</param>
    /// <param name="logs">Logs.</param>
    /// <exception cref="FormatException">An EPICS environment variable is invalid.</exception>
    /// <exception cref="ArgumentException">A PV name is invalid (e.g. a cell id with spaces).</exception>
    public TwinSoftIoc(EpicsConfig config, TwinIngestService ingest, PatternRequests patterns, AuditLog audit, ILoggerFactory logs)
    {
        _ingest = ingest;
        _log = logs.CreateLogger<TwinSoftIoc>();
        Registry = new PvRegistry();
        foreach (var rt in ingest.Cells.Values)
        {
            var cell = rt.Snapshot.Cell;
            string id = cell.Config.CellId;
            _cells[rt.Snapshot.Key] = new CellPvs(Registry, config.Prefix, id, cell.Config.Limits, cell.Config.Cutoff.CLiMin,
                w => patterns.Request(id, $"CA client {w.User}@{w.Host}") is { } why ? PvWriteResult.Refused(why) : PvWriteResult.Ok);
        }
        Options = ServerOptions(config);
        IWriteAccess access = config.Writers is { Count: > 0 } w ? new ConfiguredWriters(w) : NoWriteAccess.Instance;
        _server = new CaServer(Registry, Options, access, logs.CreateLogger("Twin.Epics"), audit: a =>
            audit.Write(new AuditEntry(Twin.Core.Samples.UnixTime.NowNs(), a.User + "@" + a.Host, "ca-client", a.Accepted ? "ca-write" : "ca-write-refused",
                a.Pv, a.Value + (a.Message.Length > 0 ? ": " + a.Message : ""), a.Address)));
    }

    /// <summary>Where the server listens: the EPICS environment variables, then the experiment file's interface and port.</summary>
    /// <param name="config">The <c>epics:</c> settings.</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">An EPICS environment variable is invalid (the message names it).</exception>
    public static CaServerOptions ServerOptions(EpicsConfig config)
    {
        var options = CaServerOptions.FromEnvironment();
        if (config.Interface is { } intf) options = options with { Interface = intf };
        if (config.Port is { } port) options = options with { ServerPort = port };
        return options;
    }

    /// <summary>The PVs served.</summary>
    public PvRegistry Registry { get; }

    /// <summary>Where the server listens (after the environment and the experiment file).</summary>
    public CaServerOptions Options { get; }

    /// <summary>The server.</summary>
    public CaServer Server => _server;

    /// <summary>Binds the server, sets every PV from the cells' current snapshots and follows their updates.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ingest.Applied += OnApplied;
        _ingest.PatternStored += OnPattern;
        foreach (var (key, pvs) in _cells) pvs.Update(_ingest.Cells[key].Snapshot); // the checkpointed state, before the first sample
        try
        {
            _server.Start();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new IOException($"EPICS Channel Access: cannot listen on {Options.Interface}:{Options.ServerPort} ({e.Message}); " +
                "check EPICS_CAS_INTF_ADDR_LIST / EPICS_CA_SERVER_PORT or the epics: section's interface and port", e);
        }
        _log.LogInformation("EPICS Channel Access: {Count} PVs on {Address}:{Port}, e.g. {Example}", Registry.Count, Options.Interface, _server.UdpPort,
            Registry.All.FirstOrDefault(p => p.Name.EndsWith(":CLI", StringComparison.Ordinal))?.Name);
        return Task.CompletedTask;
    }

    private void OnApplied(CellSnapshot s, IngestBatch _) => Update(s);

    private void OnPattern(CellSnapshot s, Twin.Messaging.Contracts.PatternRecord _) => Update(s);

    private void Update(CellSnapshot s)
    {
        if (_cells.TryGetValue(s.Key, out var pvs)) pvs.Update(s);
    }

    /// <summary>Stops following the twin and closes the server.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _ingest.Applied -= OnApplied;
        _ingest.PatternStored -= OnPattern;
        await _server.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
