using System.Text.Json;
using Microsoft.Extensions.Logging;
using Twin.Core.Cutoff;
using Twin.Drivers.Experiment;
using Twin.Drivers.Instruments;
using Twin.Drivers.Interlocks;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Security;
using Twin.Service.Config;

namespace Twin.Service.Instruments;

/// <summary>
/// Runs one cell's instrument on the bus: the experiment runner publishes telemetry, events and pattern records;
/// the twin's retained state (c_Li, cut-off decision) feeds the runner and its watchdog; the twin service's status
/// going offline fires the watchdog at once; commands on <c>cmd/{verb}</c> are checked against the permissions
/// and the hard limits, carried out, and answered on the MQTT 5 response topic.
/// </summary>
/// <remarks>
/// With a <see cref="MessageVerifier"/> (the experiment file has <c>security:</c> keys) the host acts only on what it
/// can authenticate: a twin state must carry a fresh, never-seen signature of a <c>twin</c> key; a status must be
/// signed by a <c>twin</c> key and belong to the service's current session (<see cref="TwinStatusGuard"/>); a command
/// must carry a fresh, never-seen signature, and its role is the role of the key that verified it — the payload's
/// <c>role</c> field is ignored. Everything else is refused, counted (<see cref="RefusedMessages"/>), reported as a
/// driver event and, for commands, answered with the reason. Without a verifier every message is believed (and the
/// command role is taken from the payload), as before signatures existed; the host says so in an event at start.
/// </remarks>
public sealed class InstrumentHost
{
    private static readonly SignerRole[] TwinOnly = [SignerRole.Twin];
    private readonly ExperimentCell _cell;
    private readonly InstrumentConfig _config;
    private readonly IMessageBus _bus;
    private readonly ILogger _log;
    private readonly ExperimentRunner _runner;
    private readonly BusRunnerSink _sink;
    private readonly MessageVerifier? _verifier;
    private readonly TwinStatusGuard _status = new();
    private readonly RefusalReporter _refusals;

    /// <summary>Creates the host.</summary>
    /// <param name="cell">The cell, with its <see cref="ExperimentCell.Instrument"/> section.</param>
    /// <param name="bus">The bus (connected, or connecting: subscriptions are made before the run starts).</param>
    /// <param name="smu">The instrument driver (not yet connected).</param>
    /// <param name="patterns">Diffraction acquisitions, if any (trigger not yet opened).</param>
    /// <param name="log">Logger.</param>
    /// <param name="onEvent">Optional observer of runner events.</param>
    /// <param name="onSample">Optional observer of samples.</param>
    /// <param name="verifier">Verifies twin states, statuses and commands (one verifier per host); null believes every message.</param>
    /// <exception cref="ArgumentException">The cell has no instrument section.</exception>
    public InstrumentHost(ExperimentCell cell, IMessageBus bus, ISourceMeter smu, PatternPlan? patterns, ILogger log,
        Action<RunnerEvent>? onEvent = null, Action<RunnerSample>? onSample = null, MessageVerifier? verifier = null)
    {
        _cell = cell;
        _config = cell.Instrument ?? throw new ArgumentException($"cell '{cell.Config.CellId}' has no instrument section", nameof(cell));
        _bus = bus;
        _log = log;
        _verifier = verifier;
        _sink = new BusRunnerSink(bus, cell.Site, cell.Config.CellId, smu.Endpoint, log) { EventObserver = onEvent, SampleObserver = onSample };
        _runner = new ExperimentRunner(smu, _config.Protocol, _config.Runner with { Patterns = patterns }, _sink, log);
        _refusals = new RefusalReporter(_sink.OnEventAsync, () => _runner.Status.Step, log, _config.Runner.Time);
    }

    /// <summary>The runner (status, safe cut-off, watchdog).</summary>
    public ExperimentRunner Runner => _runner;

    /// <summary>Bus messages refused so far (unauthenticated, forged, replayed or stale states, statuses and commands).</summary>
    public long RefusedMessages => _refusals.Total;

    /// <summary>Subscribes to the twin's state, its service status and the cell's commands, then runs the protocol.</summary>
    /// <param name="cancellationToken">Aborts the run (output off).</param>
    /// <returns>How the run ended.</returns>
    public async Task<RunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        string site = _cell.Site, cell = _cell.Config.CellId;
        if (_verifier is null)
        {
            const string warning = "twin states and commands are not authenticated (no security: keys in the experiment file): " +
                "any client that may publish on this cell's topics can steer the run";
            _log.LogWarning("{Cell}: {Warning}", cell, warning);
            await _sink.OnEventAsync(new RunnerEvent(Twin.Core.Samples.UnixTime.NowNs(), RunnerEventKinds.Command, 0, warning), cancellationToken).ConfigureAwait(false);
        }
        var subs = new List<IAsyncDisposable>
        {
            await _bus.SubscribeAsync(TwinTopics.State(site, cell), QualityOfService.AtLeastOnce, OnStateAsync, cancellationToken).ConfigureAwait(false),
            await _bus.SubscribeAsync(TwinTopics.Status(site, _config.TwinClient), QualityOfService.AtLeastOnce, OnStatusAsync, cancellationToken).ConfigureAwait(false),
            await _bus.SubscribeAsync($"{TwinTopics.Root}/{site}/{cell}/cmd/+", QualityOfService.AtLeastOnce, OnCommandAsync, cancellationToken).ConfigureAwait(false),
        };
        try
        {
            return await _runner.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _sink.FlushAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            foreach (var s in subs) await s.DisposeAsync().ConfigureAwait(false);
            await _sink.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask OnStateAsync(BusMessage m, CancellationToken ct)
    {
        if (_verifier?.Verify(m, TwinOnly) is { Accepted: false } refused)
        {
            await _refusals.ReportAsync(RunnerEventKinds.Link, "twin state", m.Topic, refused.Detail, ct).ConfigureAwait(false);
            return;
        }
        try
        {
            var s = JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.TwinStatePayload);
            if (s is not null && double.IsFinite(s.CLi))
            {
                if (!CutoffDecisionNames.TryParse(s.Cutoff, out var decision))
                    _log.LogWarning("twin state on {Topic} carries an unknown cut-off decision '{Decision}'; its c_Li bound still applies", m.Topic, s.Cutoff);
                _runner.OnTwinState(new TwinFeedback(s.CLi, s.TimeUnixNs, decision, s.RecommendedCutoffV, Finite(s.CLiLow), Finite(s.QLiAh), Finite(s.CLiMin),
                    Finite(s.CLiSigma), Finite(s.QLiSigmaAh)));
            }
        }
        catch (JsonException e)
        {
            _log.LogWarning("ignoring malformed twin state on {Topic}: {Error}", m.Topic, e.Message);
        }
    }

    private static double? Finite(double? x) => x is { } v && double.IsFinite(v) ? v : null;

    private async ValueTask OnStatusAsync(BusMessage m, CancellationToken ct)
    {
        StatusPayload? s;
        try
        {
            s = JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.StatusPayload);
        }
        catch (JsonException e)
        {
            _log.LogWarning("ignoring malformed status on {Topic}: {Error}", m.Topic, e.Message);
            return;
        }
        if (s?.State is not ("online" or "offline")) return;
        if (_verifier is not null)
        {
            var r = _verifier.VerifySignature(m, TwinOnly);
            string? why = r.Accepted ? null : r.Detail;
            if (r.Accepted && !_status.Believe(r, s.State == "online", out string doubt)) why = doubt;
            if (why is not null)
            {
                await _refusals.ReportAsync(RunnerEventKinds.Link, $"twin status '{s.State}'", m.Topic, why, ct).ConfigureAwait(false);
                return;
            }
        }
        if (s.State == "offline") _runner.OnTwinLost($"twin service '{_config.TwinClient}' reported offline");
    }

    private async ValueTask OnCommandAsync(BusMessage m, CancellationToken ct)
    {
        string verb = TwinTopics.TryParse(m.Topic, out var t) && t.Verb is { } v ? v : "?";
        CommandReply reply;
        VerifyResult? verified = null;
        if (_verifier is not null)
        {
            var r = _verifier.Verify(m);
            if (!r.Accepted)
            {
                reply = new CommandReply { Verb = verb, Accepted = false, Message = $"not authenticated: {r.Detail}" };
                await _refusals.ReportAsync(RunnerEventKinds.Command, $"command '{verb}'", m.Topic, r.Detail, ct).ConfigureAwait(false);
                await ReplyAsync(m, reply, ct).ConfigureAwait(false);
                return;
            }
            verified = r;
        }
        try
        {
            var c = TwinPayloads.ParseCommand(m.Payload.Span, m.Topic);
            // the role is the one the verifying key proves; the payload's role field counts only without keys
            string role = verified is { } vr ? vr.Role.Name() : c.Role;
            _config.Permissions.Check(verb, role);
            string who = $"{role} '{c.Issuer}'" + (verified is { } k ? $" (key {k.Key!.Id})" : "") + (c.Reason is { } r ? $": {r}" : "");
            switch (verb)
            {
                case CommandPermissions.EndStep:
                    _runner.RequestEndStep(who);
                    break;
                case CommandPermissions.Abort:
                    _runner.RequestAbort(who);
                    break;
                case CommandPermissions.SetSafeCutoff:
                    _runner.SetSafeCutoff(c.Value ?? throw new InterlockException("set-safe-cutoff needs 'value' in V"));
                    break;
            }
            reply = new CommandReply { Verb = verb, Accepted = true, Message = $"{verb} accepted from {who}" };
        }
        catch (Exception e) when (e is PayloadException or InterlockException)
        {
            reply = new CommandReply { Verb = verb, Accepted = false, Message = e.Message };
        }
        await _sink.OnEventAsync(new RunnerEvent(Twin.Core.Samples.UnixTime.NowNs(_config.Runner.Time), RunnerEventKinds.Command, _runner.Status.Step,
            (reply.Accepted ? "accepted: " : "refused: ") + reply.Message), ct).ConfigureAwait(false);
        await ReplyAsync(m, reply, ct).ConfigureAwait(false);
    }

    private async ValueTask ReplyAsync(BusMessage request, CommandReply reply, CancellationToken ct)
    {
        if (request.ResponseTopic is not { Length: > 0 } rt) return;
        try
        {
            await _bus.PublishAsync(new BusMessage(rt, TwinPayloads.Serialize(reply)) { CorrelationData = request.CorrelationData }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MqttException or ArgumentException)
        {
            // e.g. the broker's ACL does not let this driver write on the response topic the command named
            _log.LogWarning("reply to '{Verb}' on {Topic} not delivered: {Error}", reply.Verb, rt, e.Message);
        }
    }
}
