using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.Drivers.Experiment;
using Twin.Drivers.Instruments;
using Twin.Drivers.Scpi;
using Twin.Drivers.Transports;
using Twin.FirmwareSim;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Security;
using Twin.Service.Config;
using Twin.Service.Instruments;
using Twin.Testing;

namespace Twin.Service.Tests.Instruments;

/// <summary>
/// A driver host on the in-process bus against the firmware simulator (real TCP), with the twin and operator keys
/// of a signed experiment, and what a test needs to talk to it: signers, a reply inbox, the driver's events.
/// </summary>
internal sealed class HostRig : IAsyncDisposable
{
    public static readonly MessageKey TwinKey = new("twin-1", SignerRole.Twin, RandomSecret());
    public static readonly MessageKey OperatorKey = new("ops-1", SignerRole.Operator, RandomSecret());
    private readonly ConcurrentQueue<(string Correlation, CommandReply Reply)> _replies = new();
    private readonly ConcurrentQueue<RunnerEvent> _events = new();
    private IAsyncDisposable? _inbox;
    private Keithley2450? _smu;

    private HostRig(SimulatorHost sim) => Sim = sim;

    public SimulatorHost Sim { get; }
    public InProcessBus Bus { get; } = new();
    public InstrumentHost Host { get; private set; } = null!;
    public Task<RunResult> Run { get; private set; } = null!;
    public MessageSigner Twin { get; } = new(TwinKey);
    public MessageSigner Operator { get; } = new(OperatorKey);
    public IReadOnlyCollection<RunnerEvent> Events => _events;
    public string EventText => string.Join("\n", _events.Select(e => $"[{e.Kind}] {e.Message}"));

    private static byte[] RandomSecret() => MessageKey.NewSecret();

    /// <summary>Starts the simulator and a host running <paramref name="protocol"/> on cell lab/c1.</summary>
    public static async Task<HostRig> StartAsync(string protocol, bool signed = true, bool lithiumCutoff = true)
    {
        var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Speed = 60, PatternFolder = Path.Combine(Path.GetTempPath(), "twin-host-" + Guid.NewGuid().ToString("N")) });
        var rig = new HostRig(sim);
        var c = sim.Options.Cell;
        string indented = string.Join("\n", protocol.Split('\n').Select(l => "            " + l.Trim()));
        string yaml = $$"""
            site: lab
            cells:
              - id: c1
                material: NMC811
                q_li_Ah: {{c.PositiveCapacityAh.ToString("R", CultureInfo.InvariantCulture)}}
                c_li0: {{c.InitialCathodeCLi.ToString("R", CultureInfo.InvariantCulture)}}
                instrument:
                  address: {{sim.SmuAddress}}
                  nominal_capacity_Ah: 0.006
                  limits: { max_voltage_V: 4.25, min_voltage_V: 2.0, max_current_A: 0.012 }
                  safe_cutoff_V: 4.1
                  watchdog_s: 600
                  time_scale: 60
                  lithium_cutoff: {{(lithiumCutoff ? "true" : "false")}}
                  protocol: |
            {{indented}}
            """;
        var cell = ExperimentFile.Parse(yaml, "host.yaml")[0];
        rig._inbox = await rig.Bus.SubscribeAsync("replies/test", QualityOfService.AtLeastOnce, (m, _) =>
        {
            rig._replies.Enqueue((Encoding.UTF8.GetString(m.CorrelationData.Span), JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.CommandReply)!));
            return ValueTask.CompletedTask;
        });
        rig._smu = new Keithley2450(new ScpiSession(TransportAddress.Parse(sim.SmuAddress)));
        var verifier = signed ? new MessageVerifier(new KeyRing([TwinKey, OperatorKey]), TimeSpan.FromSeconds(30)) : null;
        rig.Host = new InstrumentHost(cell, rig.Bus, rig._smu, null, NullLogger.Instance, onEvent: rig._events.Enqueue, verifier: verifier);
        rig.Run = rig.Host.RunAsync();
        await Wait.UntilAsync(() => rig.Host.Runner.Status.Samples >= 2 || rig.Run.IsCompleted, "the first two samples", observed: () => rig.EventText);
        return rig;
    }

    /// <summary>A command message on lab/c1 with a fresh correlation id and the test's response topic.</summary>
    public static BusMessage Command(string verb, string json, out string correlation)
    {
        correlation = Guid.NewGuid().ToString("N");
        return new BusMessage(TwinTopics.Command("lab", "c1", verb), Encoding.UTF8.GetBytes(json))
        {
            ResponseTopic = "replies/test",
            CorrelationData = Encoding.UTF8.GetBytes(correlation),
        };
    }

    /// <summary>Publishes a command message and waits for the driver's reply (the next one with its correlation data).</summary>
    public async Task<CommandReply> SendAsync(BusMessage command)
    {
        string id = Encoding.UTF8.GetString(command.CorrelationData.Span);
        int before = _replies.Count(r => r.Correlation == id);
        await Bus.PublishAsync(command);
        CommandReply? reply = null;
        await Wait.UntilAsync(() => (reply = _replies.Where(r => r.Correlation == id).Skip(before).FirstOrDefault().Reply) is not null,
            $"the reply to {command.Topic}", observed: () => EventText);
        return reply!;
    }

    /// <summary>A twin state message for lab/c1 (fresh for any step: its sample time lies far ahead).</summary>
    public static BusMessage State(double cLi, string cutoff) =>
        new(TwinTopics.State("lab", "c1"), TwinPayloads.Serialize(new TwinStatePayload
        {
            Site = "lab", Cell = "c1", CLi = cLi, Cutoff = cutoff, TimeUnixNs = long.MaxValue / 2,
        }), Retain: true);

    /// <summary>A status message of the twin service.</summary>
    public static BusMessage Status(string state) =>
        new(TwinTopics.Status("lab", "twin-service"), TwinPayloads.Serialize(new StatusPayload { Client = "twin-service", State = state }), Retain: true);

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted) Host.Runner.RequestAbort("test over");
        try { await Run.WaitAsync(TimeSpan.FromSeconds(60)); } catch (TimeoutException) { }
        if (_inbox is not null) await _inbox.DisposeAsync();
        if (_smu is not null) await _smu.DisposeAsync();
        await Bus.DisposeAsync();
        await Sim.DisposeAsync();
    }
}

/// <summary>A clock that runs behind (or ahead of) the system clock: a signer on a machine whose clock is off, or an old signature.</summary>
internal sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}
