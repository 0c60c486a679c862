using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Messaging.Bus;
using Twin.Service.Api;
using Twin.Service.Config;
using Twin.Service.Epics;
using Twin.Service.Ingest;
using Twin.Service.Nexus;
using Twin.Service.Alarms;
using Twin.Service.Broker;
using Twin.Service.Metrics;
using Twin.Service.Operations;
using Twin.Service.Settings;
using Twin.Service.State;
using Twin.Service.Storage;
using Twin.Storage.Influx;
using Twin.Storage.Spool;

namespace Twin.Service.Hosting;

/// <summary>
/// Composes the twin service: experiment cells, the bus (MQTT or in-process), the durable spool (drained
/// to InfluxDB when configured), the checkpoint store, the ingest service and the REST API, in one
/// ASP.NET Core host.
/// </summary>
public static class TwinServer
{
    /// <summary>Builds the host; run it with <c>RunAsync</c> or <c>StartAsync</c>.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="configureLogging">Adjusts logging (tests silence it), or null.</param>
    /// <returns>The application, not yet started. Disposing it stops everything in order.</returns>
    /// <exception cref="FormatException">The experiment file is invalid.</exception>
    /// <exception cref="IOException">The data directory cannot be used.</exception>
    public static WebApplication Build(ServeOptions options, Action<ILoggingBuilder>? configureLogging = null)
    {
        EnsurePoolThreads();
        var experiment = ExperimentFile.LoadExperiment(options.ConfigPath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders().AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        configureLogging?.Invoke(builder.Logging);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        Directory.CreateDirectory(options.DataDir);
        // sign-in cookies and antiforgery tokens stay valid across restarts: keys live with the service's data
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, "keys"))).SetApplicationName("twin-service");
        var metrics = new ServiceMetrics(options.Time);
        // state, alarm and status are signed when the experiment file declares keys (drivers verify them)
        var bus = SecuritySection.Load(options.ConfigPath).SignServiceBus(options.Bus ?? new InProcessBus(), options.Signer);
        var checkpoints = new CheckpointStore(Path.Combine(options.DataDir, "state"));
        var alarms = new AlarmBook(options.DataDir);
        var audit = new AuditLog(options.DataDir);
        var overrides = new SettingsStore(options.DataDir);
        // settings changed at run time outlive a restart and take precedence over the experiment file
        var cells = experiment.Cells.Select(c => overrides.Get(c.Site, c.Config.CellId) is { } o
            ? c with { Config = c.Config with { Limits = o.Settings.Limits, Cutoff = o.Settings.Cutoff } } : c).ToList();
        var loggerFactory = LoggerFactory.Create(l => { l.AddSimpleConsole(o => o.SingleLine = true); configureLogging?.Invoke(l); });
        InfluxWriter? writer = options.Influx is null ? null : new InfluxWriter(options.Influx, logger: loggerFactory.CreateLogger<InfluxWriter>());
        var spool = PointSpool.Open(new SpoolOptions { Directory = Path.Combine(options.DataDir, "spool"), MaxBytes = options.SpoolMaxBytes },
            writer, loggerFactory.CreateLogger<PointSpool>());

        metrics.Gauge("twin_spool_pending_records", "points accepted but not yet confirmed by the database", () => spool.GetMetrics().PendingRecords);
        metrics.Gauge("twin_spool_disk_bytes", "bytes of the spool on disk", () => spool.GetMetrics().DiskBytes);
        metrics.Gauge("twin_spool_full", "1 while the spool refuses points for lack of space", () => spool.GetMetrics().IsFull ? 1 : 0);
        metrics.Gauge("twin_spool_disk_full", "1 while the spool's file system is full", () => spool.GetMetrics().IsDiskFull ? 1 : 0);
        metrics.Gauge("twin_spool_queued_bytes", "encoded points waiting for the spool's disk", () => spool.GetMetrics().QueuedBytes);
        metrics.Gauge("twin_spool_points_written_total", "points confirmed by the database", () => spool.GetMetrics().PointsWritten);
        metrics.Gauge("twin_spool_quarantined_lines_total", "lines the database refused (kept in the quarantine file)", () => spool.GetMetrics().QuarantinedLines);
        metrics.Gauge("twin_checkpoint_flushes_total", "fsyncs of the checkpoint store", () => checkpoints.Flushes);
        metrics.Gauge("twin_process_resident_bytes", "resident memory of the service process", () => Environment.WorkingSet);
        metrics.Gauge("twin_gc_heap_bytes", "managed heap size after the last GC", () => GC.GetGCMemoryInfo().HeapSizeBytes);
        metrics.Gauge("twin_gc_committed_bytes", "memory committed by the GC", () => GC.GetGCMemoryInfo().TotalCommittedBytes);
        metrics.Gauge("twin_gc_allocated_bytes_total", "bytes allocated since start", () => GC.GetTotalAllocatedBytes());
        metrics.Gauge("twin_gc_collections_gen0_total", "gen0 collections", () => GC.CollectionCount(0));
        metrics.Gauge("twin_gc_collections_gen2_total", "gen2 collections", () => GC.CollectionCount(2));
        if (options.BusReconnects is not null) metrics.Gauge("twin_bus_reconnects_total", "reconnects of the MQTT client", () => options.BusReconnects());

        var startup = new IngestStartup();
        // Damaged checkpoints and journals are loud: an error line each, and /health degraded until restarted intact.
        List<string> damage = [.. checkpoints.Damage, .. alarms.Damage, .. overrides.Damage, .. audit.Damage];
        foreach (var d in damage) loggerFactory.CreateLogger<CheckpointStore>().LogError("damaged data: {Damage}", d);
        // A checkpoint torn by a crash is the crash's normal trace, not damage: said once, /health stays healthy.
        foreach (var t in checkpoints.TornWrites) loggerFactory.CreateLogger<CheckpointStore>().LogWarning("after a crash: {Torn}", t);
        // /health: ASP.NET Core health checks, one per component, answered by HealthEndpoint
        string resumeState = "c_li0 and q_li_Ah as in the checkpoints";
        builder.Services.AddHealthChecks()
            .AddCheck("data", new ComponentHealthCheck(() => damage.Count == 0
                ? (checkpoints.TornWrites.Count == 0 ? "checkpoints and journals intact"
                    : $"checkpoints and journals intact; {checkpoints.TornWrites.Count} checkpoint write(s) torn by a crash set aside", HealthStatus.Healthy)
                : (string.Join(" | ", damage), HealthStatus.Degraded)))
            .AddCheck("ingest", new ComponentHealthCheck(() => startup.Error is { } e ? ($"stopped: {e.Message}", HealthStatus.Unhealthy)
                : startup.Started ? ($"{cells.Count} cell(s) {(options.Broker is null ? "subscribed" : "taking telemetry from the embedded broker")}", HealthStatus.Healthy)
                : ("waiting for the broker before subscribing", HealthStatus.Degraded)))
            .AddCheck("bus", new ComponentHealthCheck(() => options.BusStatus is null ? ("in-process", HealthStatus.Healthy)
                : options.BusStatus() is var (state, up) && up ? (state, HealthStatus.Healthy) : (options.BusStatus().State, HealthStatus.Degraded)))
            .AddCheck("store", new ComponentHealthCheck(() =>
            {
                var m = spool.GetMetrics();
                if (m.IsFull) return ("spool full", HealthStatus.Unhealthy);
                if (m.IsDiskFull) return (spool.CheckAdmission() is { Accepts: false } a ? a.Reason : "disk full", HealthStatus.Unhealthy);
                if (!m.HasWriter) return ($"embedded spool, {m.PendingRecords} points", HealthStatus.Healthy);
                return m.Circuit == Polly.CircuitBreaker.CircuitState.Closed
                    ? ($"influxdb ok, {m.PendingRecords} points pending", HealthStatus.Healthy)
                    : ($"influxdb {m.Circuit.ToString().ToLowerInvariant()}: {m.LastWriterError}, {m.PendingRecords} points held in the spool", HealthStatus.Degraded);
            }))
            .AddCheck("experiment", new ComponentHealthCheck(() => (resumeState, HealthStatus.Healthy)));

        // made by a factory, so the container disposes it (its meter and listener) with the application
        builder.Services.AddSingleton(_ => metrics);
        builder.Services.AddSingleton(checkpoints);
        builder.Services.AddSingleton(spool);
        builder.Services.AddSingleton(bus);
        builder.Services.AddSingleton<ITwinStore>(new SpoolTwinStore(spool));
        builder.Services.AddSingleton(experiment.Access);
        HttpSecurity.AddTo(builder, experiment.Access, options);
        builder.Services.AddSingleton(alarms);
        builder.Services.AddSingleton(audit);
        builder.Services.AddSingleton(sp => new TwinIngestService(cells, bus, sp.GetRequiredService<ITwinStore>(), checkpoints, metrics,
            sp.GetRequiredService<ILogger<TwinIngestService>>(), options.ClientId, options.ConnectBus, alarms, options.Time) { TelemetryFromBroker = options.Broker is not null });
        builder.Services.AddSingleton(sp => new CellOperations(sp.GetRequiredService<TwinIngestService>(), alarms, overrides, audit));
        builder.Services.AddSingleton(startup);
        options.BusLog?.Attach(loggerFactory.CreateLogger("Twin.Messaging.Mqtt"));
        if (options.Broker is { } embedded)
        {
            // Registered before the lifecycle: it listens before the service's client connects, and stops after the
            // service has announced itself offline through it.
            builder.Services.AddSingleton(sp => new EmbeddedBroker(embedded.Listen,
                new BrokerAccess(experiment.Access, embedded.ServiceUser, embedded.ServicePassword, embedded.Listen.IsLoopback),
                new RetainedStore(Path.Combine(options.DataDir, "broker"), loggerFactory.CreateLogger<RetainedStore>()),
                new HashSet<string>(StringComparer.Ordinal) { options.ClientId, options.ClientId + "-pub" }, () => startup.Started,
                sp.GetRequiredService<TwinIngestService>().IngestPublishedAsync, loggerFactory.CreateLogger<EmbeddedBroker>(), options.Time));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("broker", sp => new ComponentHealthCheck(() =>
            {
                var b = sp.GetRequiredService<EmbeddedBroker>();
                return ($"embedded, listening on {b.Listen}; {b.RefusedConnections} connection(s) and {b.RefusedPublications} publication(s) refused", HealthStatus.Healthy);
            }), null, null));
        }
        if (options.ResolvedNexusPath is { } nexus)
        {
            // Registered before the lifecycle: it follows the twin before start-up recovery re-applies samples, and it
            // stops after the twin, so its last write holds everything.
            builder.Services.AddSingleton(sp => new NexusRecorder(nexus, new NexusWriteBudget(options.NexusFlushInterval, options.NexusMaxPendingRows), sp.GetRequiredService<TwinIngestService>(), bus,
                options.Time ?? TimeProvider.System, loggerFactory.CreateLogger("Twin.Service.Nexus")));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<NexusRecorder>());
        }
        builder.Services.AddHostedService(sp => new Lifecycle(spool, sp.GetRequiredService<TwinIngestService>(), checkpoints, bus, writer, loggerFactory,
            [alarms, audit, overrides])
        {
            StartInBackground = options.ConnectBus is not null,
            Startup = startup,
            Host = sp.GetRequiredService<IHostApplicationLifetime>(),
        });
        var epics = options.EpicsPrefix is { } prefix
            ? (experiment.Epics ?? new EpicsConfig(prefix)) with { Prefix = EpicsConfig.CheckPrefix(prefix, "--epics") } : experiment.Epics;
        if (epics is not null)
        {
            _ = TwinSoftIoc.ServerOptions(epics); // a bad EPICS_* variable is an error now, not when the host starts
            var patternRequests = options.PatternRequests ?? new PatternRequests();
            builder.Services.AddSingleton(sp => new TwinSoftIoc(epics, sp.GetRequiredService<TwinIngestService>(), patternRequests, audit, loggerFactory));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<TwinSoftIoc>());
        }
        options.ConfigureServices?.Invoke(builder);

        var app = builder.Build();
        _ = app.Services.GetRequiredService<ServiceMetrics>(); // resolved now: tracked for disposal
        HttpSecurity.UseIn(app, options);
        var ingestService = app.Services.GetRequiredService<TwinIngestService>();
        resumeState = ResumeChanges(ingestService, audit);
        var api = app.MapGroup("").WithTwinApiAccess();
        api.MapTwinApi(ingestService, bus, metrics, alarms);
        api.MapCorrectionApi(ingestService);
        options.ConfigureApp?.Invoke(app);
        return app;
    }

    /// <summary>
    /// A changed <c>c_li0</c>/<c>q_li_Ah</c> in the experiment file versus a cell's checkpoint is applied on resume
    /// (<see cref="Twin.Core.Cells.CellTwin.ConfigChanges"/>): written to the audit log (user "experiment-file") and
    /// shown by <c>/health</c> ("experiment", healthy) until the next start.
    /// </summary>
    private static string ResumeChanges(TwinIngestService ingest, AuditLog audit)
    {
        long now = Twin.Core.Samples.UnixTime.NowNs();
        List<string> notes = [];
        foreach (var rt in ingest.Cells.Values)
        {
            string target = rt.Cell.Site + "/" + rt.Cell.Config.CellId;
            foreach (var change in rt.ResumeChanges)
            {
                string detail = "changed in the experiment file since the checkpoint, applied as a new prior: " + CorrectionText.Describe(change);
                audit.Write(new AuditEntry(now, "experiment-file", "file", "correction", target, detail));
                notes.Add($"{target} {detail}");
            }
        }
        return notes.Count == 0 ? "c_li0 and q_li_Ah as in the checkpoints" : string.Join(" | ", notes);
    }

    /// <summary>
    /// Starts the spool drainer, then ingestion; stops them in the reverse order and closes the stores. With a broker,
    /// ingestion starts in the background (connecting may wait for the broker; the API answers meanwhile), and a
    /// failure there that retrying cannot fix stops the host with the reason in <see cref="IngestStartup"/>.
    /// </summary>
    private sealed class Lifecycle(PointSpool spool, TwinIngestService ingest, CheckpointStore checkpoints, IMessageBus bus, InfluxWriter? writer, ILoggerFactory loggers,
        IReadOnlyList<IDisposable> files) : IHostedService
    {
        private readonly CancellationTokenSource _stopping = new();
        private Task _starting = Task.CompletedTask;

        public bool StartInBackground { get; init; }

        public required IngestStartup Startup { get; init; }

        public required IHostApplicationLifetime Host { get; init; }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await ingest.RecoverAsync(cancellationToken).ConfigureAwait(false); // before the drainer may delete confirmed segments
            await spool.StartAsync(cancellationToken).ConfigureAwait(false);
            if (StartInBackground)
            {
                _starting = Task.Run(() => StartIngestAsync(_stopping.Token), CancellationToken.None);
                return;
            }
            await ingest.StartAsync(cancellationToken).ConfigureAwait(false);
            Startup.MarkStarted();
        }

        private async Task StartIngestAsync(CancellationToken cancellationToken)
        {
            try
            {
                await ingest.StartAsync(cancellationToken).ConfigureAwait(false);
                Startup.MarkStarted();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Startup.Fail(e);
                loggers.CreateLogger<TwinIngestService>().LogCritical("the service cannot start ingesting and stops: {Error}", e.Message);
                // Stop once the host has started: a stop requested while the web server still binds cancels the
                // host's start half-way, and a half-started host is never stopped.
                Host.ApplicationStarted.Register(Host.StopApplication);
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _starting.ConfigureAwait(false);
            // Never started (no broker yet, or refused): nothing to detach, and no "offline" to announce to a broker that is not there.
            if (Startup.Started) await ingest.StopAsync(cancellationToken).ConfigureAwait(false);
            await checkpoints.DisposeAsync().ConfigureAwait(false);
            await spool.StopAsync(cancellationToken).ConfigureAwait(false);
            await spool.DisposeAsync().ConfigureAwait(false);
            await bus.DisposeAsync().ConfigureAwait(false);
            writer?.Dispose();
            foreach (var f in files) f.Dispose();
            loggers.Dispose();
        }
    }

    /// <summary>Smallest number of thread-pool worker threads the service needs (see <see cref="EnsurePoolThreads"/>).</summary>
    public const int MinPoolThreads = 16;

    /// <summary>
    /// The spool's group commits and the checkpoint store's flushes each block a pool thread in fsync (tens to hundreds
    /// of milliseconds on a loaded disk); with the pool's default minimum of one thread per core, two of them starve
    /// every other continuation in the process until the pool injects a thread (about one per 0.5 s). In a process that
    /// also drives an instrument (<c>twin drive</c>, <c>twin demo</c>) that starvation stops the sampling loop: readings
    /// 0.8–1 s apart were seen at 1500× (20 simulated minutes). Raises the minimum to <see cref="MinPoolThreads"/>.
    /// </summary>
    public static void EnsurePoolThreads()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        if (workers < MinPoolThreads) ThreadPool.SetMinThreads(MinPoolThreads, io);
    }
}
