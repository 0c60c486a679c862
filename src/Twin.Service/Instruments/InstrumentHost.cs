using System.Text.Json;
using Microsoft.Extensions.Logging;
using Twin.Drivers.Experiment;
using Twin.Drivers.Instruments;
using Twin.Drivers.Interlocks;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Config;

namespace Twin.Service.Instruments;

/// <summary>
/// Runs one cell's instrument on the bus: the experiment runner publishes telemetry, events and pattern records;
/// the twin's retained state (c_Li, cut-off decision) feeds the runner and its watchdog; the twin service's status
/// going offline fires the watchdog at once; commands on <c>cmd/{verb}</c> are checked against the permissions
/// and the hard limits, carried out, and answered on the MQTT 5 response topic.
/// </summary>
public sealed class InstrumentHost
{
    private readonly ExperimentCell _cell;
    private readonly InstrumentConfig _config;
    private readonly IMessageBus _bus;
    private readonly ILogger _log;
    private readonly ExperimentRunner _runner;
    private readonly BusRunnerSink _sink;

    /// <summary>Creates the host.</summary>
    /// <param name="cell">The cell, with its <see cref="ExperimentCell.Instrument"/> section.</param>
    /// <param name="bus">The bus (connected, or connecting: subscriptions are made before the run starts).</param>
    /// <param name="smu">The instrument driver (not yet connected).</param>
    /// <param name="patterns">Diffraction acquisitions, if any (trigger not yet opened).</param>
    /// <param name="log">Logger.</param>
    /// <param name="onEvent">Optional observer of runner events.</param>
    /// <param name="onSample">Optional observer of samples.</param>
    /// <exception cref="ArgumentException">The cell has no instrument section.</exception>
    public InstrumentHost(ExperimentCell cell, IMessageBus bus, ISourceMeter smu, PatternPlan? patterns, ILogger log,
        Action<RunnerEvent>? onEvent = null, Action<RunnerSample>? onSample = null)
    {
        _cell = cell;
        _config = cell.Instrument ?? throw new ArgumentException($"cell '{cell.Config.CellId}' has no instrument section", nameof(cell));
        _bus = bus;
        _log = log;
        _sink = new BusRunnerSink(bus, cell.Site, cell.Config.CellId, smu.Endpoint, log) { EventObserver = onEvent, SampleObserver = onSample };
        _runner = new ExperimentRunner(smu, _config.Protocol, _config.Runner with { Patterns = patterns }, _sink, log);
    }

    /// <summary>The runner (status, safe cut-off, watchdog).</summary>
    public ExperimentRunner Runner => _runner;

    /// <summary>Subscribes to the twin's state, its service status and the cell's commands, then runs the protocol.</summary>
    /// <param name="cancellationToken">Aborts the run (output off).</param>
    /// <returns>How the run ended.</returns>
    public async Task<RunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        string site = _cell.Site, cell = _cell.Config.CellId;
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

    private ValueTask OnStateAsync(BusMessage m, CancellationToken ct)
    {
        try
        {
            var s = JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.TwinStatePayload);
            if (s is not null && double.IsFinite(s.CLi))
                _runner.OnTwinState(new TwinFeedback(s.CLi, s.TimeUnixNs, s.Cutoff, s.RecommendedCutoffV));
        }
        catch (JsonException e)
        {
            _log.LogWarning("ignoring malformed twin state on {Topic}: {Error}", m.Topic, e.Message);
        }
        return ValueTask.CompletedTask;
    }

    private ValueTask OnStatusAsync(BusMessage m, CancellationToken ct)
    {
        try
        {
            var s = JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.StatusPayload);
            if (s is { State: "offline" }) _runner.OnTwinLost($"twin service '{_config.TwinClient}' reported offline");
        }
        catch (JsonException e)
        {
            _log.LogWarning("ignoring malformed status on {Topic}: {Error}", m.Topic, e.Message);
        }
        return ValueTask.CompletedTask;
    }

    private async ValueTask OnCommandAsync(BusMessage m, CancellationToken ct)
    {
        string verb = TwinTopics.TryParse(m.Topic, out var t) && t.Verb is { } v ? v : "?";
        CommandReply reply;
        try
        {
            var c = TwinPayloads.ParseCommand(m.Payload.Span, m.Topic);
            _config.Permissions.Check(verb, c.Role);
            string who = $"{c.Role} '{c.Issuer}'" + (c.Reason is { } r ? $": {r}" : "");
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
        if (m.ResponseTopic is { Length: > 0 } rt)
        {
            await _bus.PublishAsync(new BusMessage(rt, TwinPayloads.Serialize(reply)) { CorrelationData = m.CorrelationData }, ct).ConfigureAwait(false);
        }
    }
}
