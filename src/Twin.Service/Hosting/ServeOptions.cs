using Microsoft.AspNetCore.Builder;
using Twin.Messaging.Bus;
using Twin.Storage.Influx;

namespace Twin.Service.Hosting;

/// <summary>How <c>twin serve</c> runs.</summary>
/// <param name="ConfigPath">Experiment file (YAML).</param>
/// <param name="DataDir">Directory for the spool and the checkpoints (created when missing).</param>
/// <param name="Urls">Kestrel URLs for the REST API, e.g. <c>http://127.0.0.1:5080</c>.</param>
public sealed record ServeOptions(string ConfigPath, string DataDir, string Urls = "http://127.0.0.1:5080")
{
    /// <summary>The embedded MQTT broker to run inside the service (its own client is then <see cref="Bus"/>); null for none.
    /// Set with <see cref="Twin.Service.Broker.EmbeddedBrokerSetup.Configure(ServeOptions, Twin.Service.Broker.BrokerListen, string)"/>.</summary>
    public Twin.Service.Broker.EmbeddedBrokerOptions? Broker { get; init; }

    /// <summary>The bus to use (an MQTT client); null runs the in-process bus.</summary>
    public IMessageBus? Bus { get; init; }

    /// <summary>Connects <see cref="Bus"/> once the service's subscriptions are registered (so messages the
    /// broker kept for a persistent session find their handlers); null when the bus needs no connect step. It may
    /// take as long as the broker is unreachable (the service answers meanwhile, degraded); when it throws, the
    /// service stops and <see cref="IngestStartup"/> holds why.</summary>
    public Func<CancellationToken, Task>? ConnectBus { get; init; }

    /// <summary>Signs the service's state, alarm and status publications (and its MQTT last will); null: made from the
    /// experiment file's <c>security:</c> keys when it has any.</summary>
    public Twin.Messaging.Security.MessageSigner? Signer { get; init; }

    /// <summary>Describes <see cref="Bus"/> for /health, e.g. "mqtt://127.0.0.1:1883"; null for the in-process bus.</summary>
    public Func<(string State, bool Connected)>? BusStatus { get; init; }

    /// <summary>Diagnostics of <see cref="Bus"/>, sent to the host's log once it exists; null when the bus logs nothing.</summary>
    public LogRelay? BusLog { get; init; }

    /// <summary>Reconnects of the bus so far (for /metrics), or null.</summary>
    public Func<long>? BusReconnects { get; init; }

    /// <summary>InfluxDB to drain the spool to; null keeps the data in the spool (embedded store).</summary>
    public InfluxEndpoint? Influx { get; init; }

    /// <summary>Maximum spool size on disk, bytes (default 1 GiB).</summary>
    public long SpoolMaxBytes { get; init; } = 1L << 30;

    /// <summary>The service's clock (sample-time window, status times, metrics); null for the system clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Client id announced on the status topic.</summary>
    public string ClientId { get; init; } = DefaultClientId;

    /// <summary>The service's MQTT client id (and, on the embedded broker, its user name) unless <see cref="ClientId"/> says otherwise.</summary>
    public const string DefaultClientId = "twin-service";

    /// <summary>Reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> headers are believed (IP addresses or
    /// CIDR networks); empty: forwarded headers are ignored.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>Adds services to the host before it is built (the dashboard registers itself here), or null.</summary>
    public Action<WebApplicationBuilder>? ConfigureServices { get; init; }

    /// <summary>Adds middleware and endpoints after the REST API is mapped (the dashboard maps its pages here), or null.</summary>
    public Action<WebApplication>? ConfigureApp { get; init; }

    /// <summary>Serve the twin over EPICS Channel Access with this PV prefix (<c>--epics PREFIX</c>; overrides the experiment
    /// file's <c>epics: prefix</c> and switches the server on without that section); null: as the experiment file says.</summary>
    public string? EpicsPrefix { get; init; }

    /// <summary>The experiment's NeXus file (<c>--nexus PATH</c>); null: <c>experiment.nxs</c> in <see cref="DataDir"/>;
    /// <see cref="NexusOff"/>: none is kept.</summary>
    public string? NexusPath { get; init; }

    /// <summary>Value of <see cref="NexusPath"/> that switches the NeXus file off.</summary>
    public const string NexusOff = "none";

    /// <summary>Time between writes of the NeXus file when something changed (default 30 s; it is also written when the service stops).</summary>
    public TimeSpan NexusFlushInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many twin states (all cells) wait for the NeXus file's next write; beyond, states are left out
    /// of the file as a noted gap (see <see cref="Nexus.NexusWriteBudget"/>). Default 400,000 (about 50 MB).</summary>
    public int NexusMaxPendingRows { get; init; } = Nexus.NexusWriteBudget.DefaultMaxPendingRows;

    /// <summary>The NeXus file this service keeps, or null when switched off.</summary>
    public string? ResolvedNexusPath => NexusPath == NexusOff ? null : NexusPath ?? Path.Combine(DataDir, "experiment.nxs");

    /// <summary>Where writes to <c>:PATTERN_REQ</c> go (a driver in the same process registers its cells); null: none.</summary>
    public Twin.Service.Epics.PatternRequests? PatternRequests { get; init; }
}
