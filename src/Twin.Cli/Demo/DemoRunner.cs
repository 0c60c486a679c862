using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Twin.Cli.Drive;
using Twin.Drivers.Experiment;
using Twin.Drivers.Protocol;
using Twin.FirmwareSim;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Service.Broker;
using Twin.Service.Config;
using Twin.Service.Hosting;

namespace Twin.Cli.Demo;

/// <summary>How one charge of the demo ended.</summary>
/// <param name="Cycle">Cycle number.</param>
/// <param name="EndedBy">The condition that ended the charge.</param>
/// <param name="TwinCLi">The twin's c_Li estimate at the charge's last reading.</param>
/// <param name="CellCLi">The simulated cell's true cathode c_Li when the charge ended.</param>
/// <param name="VoltageV">Cell voltage at the end, V.</param>
/// <param name="CountedCLi">c_Li from charge counting alone at that reading (NaN when the twin did not say).</param>
/// <param name="Sigma">Standard deviation of the estimate there (NaN when the twin did not say).</param>
/// <param name="QLiAh">The twin's estimated Q_Li then, A·h (NaN when the twin did not say).</param>
/// <param name="CellQLiAh">The simulated cathode's true lithium capacity then, A·h.</param>
internal sealed record DemoCharge(int Cycle, string EndedBy, double TwinCLi, double CellCLi, double VoltageV, double CountedCLi = double.NaN, double Sigma = double.NaN,
    double QLiAh = double.NaN, double CellQLiAh = double.NaN);

/// <summary>What the demo did.</summary>
/// <param name="Run">How the protocol ended.</param>
/// <param name="Charges">One entry per charge.</param>
/// <param name="Patterns">Pattern records published.</param>
/// <param name="MinTwinCLi">Lowest c_Li the twin reported.</param>
/// <param name="OutDir">Where the files are.</param>
internal sealed record DemoResult(RunResult Run, IReadOnlyList<DemoCharge> Charges, IReadOnlyList<PatternRecord> Patterns, double MinTwinCLi, string OutDir);

/// <summary>
/// <c>twin demo</c>: the firmware simulator (a coin cell on a Keithley-2450-speaking SMU, a diffractometer trigger
/// box), the driver running a two-cycle CC-CV protocol in accelerated time, and the twin on the embedded default —
/// all in one process, with the cut-off by lithium content on.
/// </summary>
internal static class DemoRunner
{
    /// <summary>Runs the demo and writes its files into <see cref="DemoOptions.OutDir"/>.</summary>
    public static async Task<DemoResult> RunAsync(DemoOptions o, TextWriter output, CancellationToken ct)
    {
        string dir = Path.GetFullPath(o.OutDir);
        Directory.CreateDirectory(dir);
        // A demo always starts from a fresh cell: remove what an earlier run left (only the demo's own files).
        foreach (string sub in new[] { "twin-data", "patterns" })
        {
            if (Directory.Exists(Path.Combine(dir, sub))) Directory.Delete(Path.Combine(dir, sub), recursive: true);
        }
        string nexus = Path.Combine(dir, "experiment.nxs");
        File.Delete(nexus);
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Speed = o.Speed, PatternFolder = Path.Combine(dir, "patterns"), Degradation = o.Degradation }, cancellationToken: ct).ConfigureAwait(false);
        string experiment = DemoExperiment.Write(dir, sim, o);
        var cells = ExperimentFile.Load(experiment);
        var cell = cells[0];
        var steps = cell.Instrument!.Protocol.Flatten().ToDictionary(s => s.Number);
        output.WriteLine($"simulator: Keithley 2450 at {sim.SmuAddress}, trigger box at {sim.TriggerAddress}, {o.Speed:0}× real time");
        output.WriteLine($"cell: NMC811‖graphite coin cell, {sim.Options.Cell.NominalCapacityAh * 1e3:0.00} mA·h, c_Li0 {sim.Options.Cell.InitialCathodeCLi:0.000}; " +
            $"cut-off by {(o.LithiumCutoff ? "lithium content (lower bound c_Li − 2σ at c_Li,min 0.40) or 4.2 V" : "voltage only (4.2 V)")}");

        // With the embedded broker, driver and twin talk MQTT through it (a stock client can watch the run); without,
        // they share an in-process bus.
        EmbeddedBrokerOptions? broker = o.Broker is { } listen ? EmbeddedBrokerSetup.Credentials(listen, ServeOptions.DefaultClientId) : null;
        MqttClient? client = broker is null ? null : MqttServiceBus.CreateClient(EmbeddedBrokerSetup.ClientOptions(broker), "twin-demo", cell.Site);
        await using IMessageBus bus = client is null ? new InProcessBus() : client;
        var patterns = new ConcurrentQueue<PatternRecord>();
        var states = new List<TwinStatePayload>();
        // Registered now; an MQTT client subscribes when it connects (once the twin runs), the in-process bus at once.
        var patternSub = bus.SubscribeAsync(TwinTopics.Pattern(cell.Site, cell.Config.CellId), QualityOfService.AtLeastOnce, (m, _) =>
        {
            patterns.Enqueue(TwinPayloads.ParsePattern(m.Payload.Span, m.Topic));
            return ValueTask.CompletedTask;
        }, ct).AsTask();
        var stateSub = bus.SubscribeAsync(TwinTopics.State(cell.Site, cell.Config.CellId), QualityOfService.AtLeastOnce, (m, _) =>
        {
            var s = JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.TwinStatePayload)!;
            lock (states) states.Add(s);
            return ValueTask.CompletedTask;
        }, ct).AsTask();

        var charges = new List<(DemoCharge Charge, int Step)>();
        var (keys, maxAge) = DriveSession.LoadVerification(experiment);
        var session = new DriveSession(experiment, cells, bus, EmbeddedTwin: true, Path.Combine(dir, "twin-data"), o.Urls)
        {
            Broker = broker,
            ConnectBus = client is null ? null : client.ConnectAsync,
            Keys = keys,
            MaxSignatureAge = maxAge,
            StatusPeriod = TimeSpan.FromSeconds(o.StatusPeriodS),
            EpicsPrefix = o.EpicsPrefix,
            NexusPath = nexus,
            OnTwinStarted = urls => output.WriteLine($"twin: embedded service, live dashboard at {urls}/ (read-only), REST API at {urls}/api/cells"
                + (broker is null ? "" : $", MQTT broker on {broker.Listen} (twin/v1/{cell.Site}/{cell.Config.CellId}/#)")),
            OnEvent = (_, e) =>
            {
                if (e.Kind != RunnerEventKinds.StepEnd || !steps.TryGetValue(e.Step, out var st)) return;
                if (st.Step.Action is not (ProtocolAction.Charge or ProtocolAction.Hold)) return;
                double cellCLi = sim.Bench.Read(c => c.CathodeCLi);
                double cellQLi = sim.Bench.Read(c => c.CathodeCapacityAh);
                var r = sim.Bench.Measure();
                lock (charges)
                {
                    charges.RemoveAll(c => c.Charge.Cycle == st.Cycle); // the hold, when it runs, ends the charge
                    charges.Add((new DemoCharge(st.Cycle, e.Message, double.NaN, cellCLi, r.VoltageV, CellQLiAh: cellQLi), e.Step));
                }
            },
        };
        var runs = await session.RunAsync(output, ct).ConfigureAwait(false);
        foreach (var sub in new[] { patternSub, stateSub })
            if (sub.IsCompletedSuccessfully) await sub.Result.DisposeAsync().ConfigureAwait(false);
        var run = runs[0].Result;
        TwinStatePayload[] all;
        lock (states) all = states.ToArray();
        WriteStatesCsv(Path.Combine(dir, "twin-states.csv"), all);
        // The twin's values at each charge's last reading: its state about that reading, whenever it arrived (the runner
        // acts on the twin's state carried forward to the present reading, so the state that had arrived when the step
        // ended may describe an earlier one).
        var ends = charges.Select(c => all.LastOrDefault(s => s.Step == c.Step) is { } s
            ? c.Charge with { TwinCLi = s.CLi, CountedCLi = s.CLiCounted ?? double.NaN, Sigma = s.CLiSigma ?? double.NaN, QLiAh = s.QLiAh ?? double.NaN }
            : c.Charge).ToList();
        DemoCycles.Write(Path.Combine(dir, "cycles.csv"), ends);
        var result = new DemoResult(run, ends, patterns.ToArray(), all.Length == 0 ? double.NaN : all.Min(s => s.CLi), dir);
        PrintSummary(output, result, o);
        return result;
    }

    private static void WriteStatesCsv(string path, IReadOnlyList<TwinStatePayload> states)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("time_unix_ns,seq,cycle,step,voltage_V,current_A,charge_Ah,c_li,a_A,c_A,d_il_A,eps_aniso,zone,cutoff");
        foreach (var s in states)
        {
            w.WriteLine(string.Join(',', s.TimeUnixNs, s.Seq, s.Cycle, s.Step, F(s.VoltageV), F(s.CurrentA), F(s.ChargeAh), F(s.CLi), F(s.AA), F(s.CA), F(s.DIlA), F(s.EpsAniso), s.Zone, s.Cutoff));
        }
        static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
    }

    private static void PrintSummary(TextWriter output, DemoResult r, DemoOptions o)
    {
        output.WriteLine();
        output.WriteLine($"run: {r.Run.Outcome} — {r.Run.Message}");
        if (o.Degradation.Count > 0) output.WriteLine("simulated degradation: " + string.Join(", ", o.Degradation));
        DemoCycles.Print(output, r.Charges);
        output.WriteLine($"lowest c_Li {r.MinTwinCLi:0.0000}: {(r.MinTwinCLi >= 0.40 ? "the cathode stayed in the safe window (c_Li ≥ 0.40)" : "the cathode went below c_Li 0.40 (critical zone)")}");
        output.WriteLine($"{r.Patterns.Count} diffraction patterns in {Path.Combine(r.OutDir, "patterns")}; twin states in {Path.Combine(r.OutDir, "twin-states.csv")}; ends of charge in {Path.Combine(r.OutDir, "cycles.csv")}; experiment file {Path.Combine(r.OutDir, "experiment.yaml")}; " +
            $"NeXus file {Path.Combine(r.OutDir, "experiment.nxs")}");
        if (o.LithiumCutoff) output.WriteLine("run `twin demo --cutoff voltage` to see the same cell charged to 4.2 V only.");
    }
}
