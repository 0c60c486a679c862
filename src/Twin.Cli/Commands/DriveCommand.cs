using System.CommandLine;
using Twin.Cli.Drive;
using Twin.Drivers.Experiment;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Security;
using Twin.Service.Broker;
using Twin.Service.Config;
using Twin.Service.Hosting;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin drive --config experiment.yaml [--cell id] [--mqtt url]</c>: runs the cycling protocol of each cell that has
/// an <c>instrument:</c> section on its potentiostat/SMU, publishing telemetry and pattern records and obeying the
/// twin's lithium cut-off. Without <c>--mqtt</c> the twin runs in-process (embedded default).
/// </summary>
internal static class DriveCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Experiment file (YAML) with an instrument: section per driven cell", Required = true };
        var cellOpt = new Option<string?>("--cell") { Description = "Drive only this cell (default: every cell with an instrument section)" };
        var mqtt = new Option<string?>("--mqtt") { Description = "MQTT broker URL; the twin is then a separate `twin serve` on that broker" };
        var clientId = new Option<string>("--client-id") { Description = "MQTT client id of this driver", DefaultValueFactory = _ => "twin-driver" };
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Spool and checkpoints of the embedded twin", DefaultValueFactory = _ => new DirectoryInfo("twin-data") };
        var urls = new Option<string>("--urls") { Description = "REST API address of the embedded twin", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var epics = EpicsOption.Create();
        var nexus = NexusOption.Path();
        var nexusEvery = NexusOption.Every();
        var mqttPassword = MqttPassword.CreateOption();
        var mqttListen = BrokerOption.Create();
        var cmd = new Command("drive", "Run the cycling protocol on the instruments, with hard limits, watchdog and the cut-off by lithium content")
        {
            config, cellOpt, mqtt, mqttPassword, mqttListen, clientId, dataDir, urls, epics, nexus, nexusEvery,
        };
        cmd.SetAction(async (r, ct) =>
        {
            var file = r.GetValue(config)!;
            if (!file.Exists) return CliErrors.Fail($"{file.FullName}: no such file; expected an experiment file (YAML)");
            IReadOnlyList<ExperimentCell> cells;
            try
            {
                cells = ExperimentFile.Load(file.FullName);
            }
            catch (FormatException e)
            {
                return CliErrors.Fail(e.Message);
            }
            string? only = r.GetValue(cellOpt);
            var driven = cells.Where(c => c.Instrument is not null && (only is null || c.Config.CellId == only)).ToList();
            if (driven.Count == 0)
                return CliErrors.Fail(only is null ? $"{file.FullName}: no cell has an 'instrument:' section" : $"{file.FullName}: cell '{only}' not found or has no 'instrument:' section");
            KeyRing? keys;
            TimeSpan maxAge;
            try
            {
                (keys, maxAge) = DriveSession.LoadVerification(file.FullName);
            }
            catch (Exception e) when (e is FormatException or IOException)
            {
                return CliErrors.Fail(e.Message);
            }
            string? mqttUrl = r.GetValue(mqtt);
            if (mqttUrl is not null && r.GetValue(epics) is not null)
                return CliErrors.Fail("--epics serves the embedded twin's PVs; with --mqtt the twin is `twin serve`: give --epics to it");
            if (mqttUrl is not null && r.GetValue(nexus) is not null)
                return CliErrors.Fail("--nexus is the embedded twin's experiment file; with --mqtt the twin is `twin serve`: give --nexus to it");
            TimeSpan nexusInterval;
            try
            {
                nexusInterval = NexusOption.Interval(r.GetValue(nexusEvery));
            }
            catch (ArgumentException e)
            {
                return CliErrors.Fail(e.Message);
            }
            IMessageBus bus;
            MqttClient? client = null;
            EmbeddedBrokerOptions? broker = null;
            try
            {
                var listen = BrokerOption.Resolve(r.GetValue(mqttListen), mqttUrl);
                if (mqttUrl is not null)
                    bus = client = MqttServiceBus.CreateClient(MqttPassword.Resolve(mqttUrl, r.GetValue(mqttPassword)), r.GetValue(clientId)!, driven[0].Site);
                else if (listen is not null)
                {
                    // the driver talks to its embedded twin through the twin's broker, with the service's credentials
                    broker = EmbeddedBrokerSetup.Credentials(listen, ServeOptions.DefaultClientId);
                    bus = client = MqttServiceBus.CreateClient(EmbeddedBrokerSetup.ClientOptions(broker), r.GetValue(clientId)!, driven[0].Site);
                }
                else bus = new InProcessBus();
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                return CliErrors.Fail(e.Message);
            }
            await using (bus.ConfigureAwait(false))
            {
                var session = new DriveSession(file.FullName, driven, bus, EmbeddedTwin: mqttUrl is null, r.GetValue(dataDir)!.FullName, r.GetValue(urls)!)
                {
                    Broker = broker,
                    ConnectBus = broker is null ? null : client!.ConnectAsync,
                    Keys = keys,
                    MaxSignatureAge = maxAge,
                    EpicsPrefix = r.GetValue(epics),
                    NexusPath = r.GetValue(nexus),
                    NexusFlushInterval = nexusInterval,
                };
                Task<IReadOnlyList<CellRun>> running;
                try
                {
                    // Subscriptions are made before the connection so the persistent session finds their handlers.
                    running = session.RunAsync(Console.Out, ct);
                    if (client is not null && broker is null) await client.ConnectAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or MqttConnectException)
                {
                    return CliErrors.Fail(e.Message);
                }
                var results = await running.ConfigureAwait(false);
                foreach (var run in results)
                {
                    Console.WriteLine($"{run.Cell.Config.CellId}: {run.Result.Outcome}: {run.Result.Message}" +
                        (run.RefusedMessages > 0 ? $" ({run.RefusedMessages} unauthenticated bus message(s) refused)" : ""));
                    var t = run.Result.Timing;
                    Console.WriteLine($"{run.Cell.Config.CellId}: sampling: {t.Count} readings, {t.Missed} scheduled reading(s) skipped after an overrun; " +
                        $"lateness behind schedule p50 {t.LatenessP50Ms:0.0} ms, p99 {t.LatenessP99Ms:0.0} ms, max {t.LatenessMaxMs:0.0} ms; longest interval between two readings {t.LongestIntervalMs:0.0} ms (wall clock)");
                }
                return results.All(x => x.Result.Outcome == RunOutcome.Completed) ? 0 : 3;
            }
        });
        return cmd;
    }
}
