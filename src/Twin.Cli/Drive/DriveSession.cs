using Twin.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Drivers.Experiment;
using Twin.Drivers.Scpi;
using Twin.Messaging.Bus;
using Twin.Messaging.Security;
using Twin.Service.Config;
using Twin.Service.Hosting;
using Twin.Service.Instruments;
using Twin.Service.Security;

namespace Twin.Cli.Drive;

/// <summary>One cell's run: the cell, how its protocol ended, and how many unauthenticated bus messages its driver refused.</summary>
internal sealed record CellRun(ExperimentCell Cell, RunResult Result, long RefusedMessages = 0);

/// <summary>
/// Drives the instruments of an experiment's cells on a bus. With <c>EmbeddedTwin</c> it also runs the twin service
/// in-process (local spool, REST API), so the lithium cut-off works without a broker installed: with <see cref="Broker"/>
/// the twin runs its embedded MQTT broker and <c>Bus</c> is the driver's MQTT client of it (connected by
/// <see cref="ConnectBus"/> once the twin runs), so stock MQTT clients see the run; without, <c>Bus</c> is an in-process
/// bus shared with the twin. Otherwise the twin is a separate <c>twin serve</c> on the MQTT broker.
/// </summary>
internal sealed record DriveSession(string ExperimentPath, IReadOnlyList<ExperimentCell> Cells, IMessageBus Bus, bool EmbeddedTwin, string DataDir, string Urls)
{
    /// <summary>The embedded twin's MQTT broker (with <c>EmbeddedTwin</c>), or null for an in-process bus.</summary>
    public Twin.Service.Broker.EmbeddedBrokerOptions? Broker { get; init; }

    /// <summary>Connects <c>Bus</c> to <see cref="Broker"/> once the embedded twin runs (subscriptions made before it find their handlers).</summary>
    public Func<CancellationToken, Task>? ConnectBus { get; init; }

    /// <summary>SCPI options for every instrument session.</summary>
    public ScpiOptions? Scpi { get; init; }

    /// <summary>
    /// Keys that verify the twin's states and statuses and the operators' commands (from the experiment file's
    /// <c>security:</c> section); null when it declares none — then every message is believed.
    /// </summary>
    public KeyRing? Keys { get; init; }

    /// <summary>Freshness window of signatures (the section's <c>max_age_s</c>).</summary>
    public TimeSpan MaxSignatureAge { get; init; } = BusSecurityConfig.DefaultMaxAge;

    /// <summary>Reads the verification keys of an experiment file: every declared key (twin and operator) must be loadable.</summary>
    /// <param name="experimentPath">The experiment file.</param>
    /// <returns>The keys (null when the file declares none) and the freshness window.</returns>
    /// <exception cref="FormatException">The <c>security:</c> section is invalid or a secret cannot be decoded.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static (KeyRing? Keys, TimeSpan MaxAge) LoadVerification(string experimentPath)
    {
        var security = SecuritySection.Load(experimentPath);
        return (security.Enabled ? security.LoadKeys([.. security.Keys.Select(k => k.Role).Distinct()]) : null, security.MaxAge);
    }

    private readonly Twin.Service.Epics.PatternRequests _patternRequests = new();

    private MessageVerifier? NewVerifier() => Keys is null ? null : new MessageVerifier(Keys, MaxSignatureAge);

    /// <summary>Serve the embedded twin over EPICS Channel Access with this PV prefix (<c>--epics</c>), or null (as the experiment file says).</summary>
    public string? EpicsPrefix { get; init; }

    /// <summary>The embedded twin's NeXus file (<c>--nexus</c>): null for experiment.nxs in the data directory, "none" for none.</summary>
    public string? NexusPath { get; init; }

    /// <summary>Time between writes of the embedded twin's NeXus file.</summary>
    public TimeSpan NexusFlushInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Status-line period of the console output.</summary>
    public TimeSpan StatusPeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Called for every runner event of every cell (cell id, event), after it was printed.</summary>
    public Action<string, RunnerEvent>? OnEvent { get; init; }

    /// <summary>Called with the embedded twin server once it started (e.g. to print its address).</summary>
    public Action<string>? OnTwinStarted { get; init; }

    /// <summary>Runs every cell's protocol to its end (concurrently) and returns the results.</summary>
    public async Task<IReadOnlyList<CellRun>> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        Microsoft.AspNetCore.Builder.WebApplication? app = null;
        if (EmbeddedTwin)
        {
            var serve = new ServeOptions(ExperimentPath, DataDir, Urls) { Bus = Broker is null ? Bus : null, EpicsPrefix = EpicsPrefix, PatternRequests = _patternRequests,
                NexusPath = NexusPath, NexusFlushInterval = NexusFlushInterval };
            if (Broker is { } broker) serve = Twin.Service.Broker.EmbeddedBrokerSetup.Configure(serve, broker, Cells[0].Site);
            app = TwinServer.Build(DashboardSetup.With(serve), logging => logging.SetMinimumLevel(LogLevel.Warning));
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                if (Broker is not null)
                {
                    // the broker takes the driver's telemetry once the twin has resumed and subscribed
                    await app.Services.GetRequiredService<IngestStartup>().WhenStarted.WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (ConnectBus is not null) await ConnectBus(cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                // e.g. the broker's port is taken: nothing was driven yet; stop what started and report
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            OnTwinStarted?.Invoke(Urls);
        }
        try
        {
            await using var console = await DriveConsole.StartAsync(Bus, Cells.Select(c => (c.Site, c.Config.CellId)), output, StatusPeriod, NewVerifier()).ConfigureAwait(false);
            // warnings (e.g. "the instrument may still be ON") also go to standard error, where service managers log them
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
            string dir = Path.GetDirectoryName(Path.GetFullPath(ExperimentPath))!;
            var runs = Cells.Select(async cell =>
            {
                await using var smu = InstrumentFactory.CreateSourceMeter(cell.Instrument!, dir, Scpi);
                var plan = InstrumentFactory.CreatePatternPlan(cell.Instrument!.Patterns, smu);
                var host = new InstrumentHost(cell, Bus, smu, plan, loggers.CreateLogger("twin.drive." + cell.Config.CellId), onEvent: e =>
                {
                    console.Event(cell.Config.CellId, e);
                    OnEvent?.Invoke(cell.Config.CellId, e);
                }, verifier: NewVerifier());
                // a beamline plan's write to {prefix}{cell}:PATTERN_REQ reaches this run's pattern acquirer
                _patternRequests.Register(cell.Config.CellId, host.Runner.RequestPattern);
                try
                {
                    var result = await host.RunAsync(cancellationToken).ConfigureAwait(false);
                    return new CellRun(cell, result, host.RefusedMessages);
                }
                finally
                {
                    _patternRequests.Unregister(cell.Config.CellId);
                }
            }).ToList();
            var results = await Task.WhenAll(runs).ConfigureAwait(false);
            // Let the twin take in the last samples before the embedded service stops.
            if (app is not null) await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None).ConfigureAwait(false);
            return results;
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
