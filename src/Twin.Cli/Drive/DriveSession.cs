using Twin.Dashboard;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.Drivers.Experiment;
using Twin.Drivers.Scpi;
using Twin.Messaging.Bus;
using Twin.Service.Config;
using Twin.Service.Hosting;
using Twin.Service.Instruments;

namespace Twin.Cli.Drive;

/// <summary>One cell's run: the cell and how its protocol ended.</summary>
internal sealed record CellRun(ExperimentCell Cell, RunResult Result);

/// <summary>
/// Drives the instruments of an experiment's cells on a bus. With <c>EmbeddedTwin</c> it also runs the twin service
/// in-process on the same bus (the embedded default: in-process bus, local spool, REST API), so the lithium cut-off
/// works without a broker; otherwise the twin is a separate <c>twin serve</c> on the MQTT broker.
/// </summary>
internal sealed record DriveSession(string ExperimentPath, IReadOnlyList<ExperimentCell> Cells, IMessageBus Bus, bool EmbeddedTwin, string DataDir, string Urls)
{
    /// <summary>SCPI options for every instrument session.</summary>
    public ScpiOptions? Scpi { get; init; }

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
            app = TwinServer.Build(DashboardSetup.With(new ServeOptions(ExperimentPath, DataDir, Urls) { Bus = Bus }),
                logging => logging.SetMinimumLevel(LogLevel.Warning));
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            OnTwinStarted?.Invoke(Urls);
        }
        try
        {
            await using var console = await DriveConsole.StartAsync(Bus, Cells.Select(c => (c.Site, c.Config.CellId)), output, StatusPeriod).ConfigureAwait(false);
            string dir = Path.GetDirectoryName(Path.GetFullPath(ExperimentPath))!;
            var runs = Cells.Select(async cell =>
            {
                await using var smu = InstrumentFactory.CreateSourceMeter(cell.Instrument!, dir, Scpi);
                var plan = InstrumentFactory.CreatePatternPlan(cell.Instrument!.Patterns);
                var host = new InstrumentHost(cell, Bus, smu, plan, NullLogger.Instance, onEvent: e =>
                {
                    console.Event(cell.Config.CellId, e);
                    OnEvent?.Invoke(cell.Config.CellId, e);
                });
                var result = await host.RunAsync(cancellationToken).ConfigureAwait(false);
                return new CellRun(cell, result);
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
