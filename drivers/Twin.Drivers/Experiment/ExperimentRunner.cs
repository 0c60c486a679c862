using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Twin.Core.Samples;
using Twin.Drivers.Instruments;
using Twin.Drivers.Interlocks;
using Twin.Drivers.Protocol;
using Twin.Drivers.Scpi;
using Twin.Drivers.Transports;

namespace Twin.Drivers.Experiment;

/// <summary>
/// Runs a cycling protocol on one source-measure channel: resolves each step to setpoints, samples on a fixed
/// period, ends steps by their conditions, the twin's lithium cut-off or (when the twin falls silent during a
/// charge) the safe voltage cut-off, enforces the hard limits on every setpoint and reading, and turns the output
/// off on every exit path.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="RunAsync"/> runs once; <see cref="OnTwinState"/>, <see cref="OnTwinLost"/>,
/// <see cref="RequestEndStep"/>, <see cref="RequestAbort"/>, <see cref="SetSafeCutoff"/> and <see cref="Status"/>
/// may be called from any thread while it runs.
/// </remarks>
public sealed class ExperimentRunner
{
    private readonly ISourceMeter _smu;
    private readonly CyclingProtocol _protocol;
    private readonly RunnerOptions _options;
    private readonly IRunnerSink _sink;
    private readonly ILogger _log;
    private readonly Interlock _interlock;
    private readonly Watchdog _watchdog;
    private readonly SamplingClock _clock;
    private readonly PatternAcquirer? _patterns;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _abandonOutputOff = new();
    private volatile TwinFeedback? _twin;
    private volatile RunnerStatus _status = new(0, 0, "", false, null, 0);
    private volatile string? _endStepRequest;
    private string? _abortReason;
    private double _safeCutoffV;
    private long _seq;
    private double _chargeAh;
    private SmuReading? _previous;
    private readonly ChargeHistory _history;
    private long _firstReadingNs = long.MinValue;

    /// <summary>Creates a runner.</summary>
    /// <param name="smu">The channel (not yet connected; the runner connects it).</param>
    /// <param name="protocol">The protocol to run.</param>
    /// <param name="options">Limits, cut-offs, timing.</param>
    /// <param name="sink">Receives samples, events and patterns.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="RunnerOptions.Validate"/>).</exception>
    public ExperimentRunner(ISourceMeter smu, CyclingProtocol protocol, RunnerOptions options, IRunnerSink sink, ILogger? logger = null)
    {
        options.Validate();
        _smu = smu;
        _protocol = protocol;
        _options = options;
        _sink = sink;
        _log = logger ?? NullLogger.Instance;
        _interlock = new Interlock(options.Limits);
        _watchdog = new Watchdog(options.WatchdogTimeout, options.Time);
        _clock = new SamplingClock(options.Time);
        _history = new ChargeHistory(options.TwinLagReadings);
        _safeCutoffV = options.SafeCutoffV;
        if (options.Patterns is { } p) _patterns = new PatternAcquirer(p, options.TimeScale, options.Time, sink, EmitAsync);
    }

    /// <summary>What the runner is doing now.</summary>
    public RunnerStatus Status => _status;

    /// <summary>The safe voltage cut-off now in force for watchdog fallbacks, V.</summary>
    public double SafeCutoffV => Volatile.Read(ref _safeCutoffV);

    /// <summary>The watchdog (its silence is useful for status displays).</summary>
    public Watchdog Watchdog => _watchdog;

    /// <summary>The twin's state arrived: updates c_Li and the cut-off decision and feeds the watchdog.</summary>
    public void OnTwinState(TwinFeedback feedback)
    {
        _twin = feedback;
        _watchdog.Feed();
        _patterns?.OnTwinState(feedback);
    }

    /// <summary>The bus or the twin went away (e.g. its status turned offline): the watchdog fires at once.</summary>
    /// <param name="reason">What was lost.</param>
    public void OnTwinLost(string reason) => _watchdog.ReportLost(reason);

    /// <summary>Ends the running step at the next sample (an operator's or the twin's command).</summary>
    /// <param name="reason">Who asked and why.</param>
    public void RequestEndStep(string reason) => _endStepRequest = reason;

    /// <summary>Asks for a diffraction pattern at the next reading, outside the schedule (e.g. a beamline plan).</summary>
    /// <param name="reason">Who asked, for the pattern event.</param>
    /// <returns>Null when the request is taken (one request waits at a time; a pattern in flight is finished first), else why not.</returns>
    public string? RequestPattern(string reason) =>
        _patterns is null ? "this run has no diffractometer trigger ('patterns:' in the instrument section)" : _patterns.Request(reason);

    /// <summary>Stops the run at the next sample; the output is turned off.</summary>
    /// <param name="reason">Who asked and why.</param>
    public void RequestAbort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        _abort.Cancel();
    }

    /// <summary>Changes the safe voltage cut-off.</summary>
    /// <param name="voltageV">New value, V.</param>
    /// <exception cref="InterlockException">The value lies outside the hard voltage window (the hard limits are never relaxed).</exception>
    public void SetSafeCutoff(double voltageV)
    {
        var l = _options.Limits;
        if (!double.IsFinite(voltageV) || voltageV > l.MaxVoltageV || voltageV <= l.MinVoltageV)
            throw new InterlockException($"safe cut-off {voltageV} V must lie within the hard window {l.MinVoltageV}–{l.MaxVoltageV} V");
        Volatile.Write(ref _safeCutoffV, voltageV);
    }

    /// <summary>Runs the protocol to the end, an abort, an interlock trip or an instrument failure; never throws for those.</summary>
    /// <param name="cancellationToken">Cancels the run (treated as an abort: output off).</param>
    /// <returns>How it ended.</returns>
    public async Task<RunResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        var ct = linked.Token;
        RunOutcome outcome;
        string message;
        int steps = 0;
        Action<string> onLink = text => _ = _sink.OnEventAsync(new RunnerEvent(UnixTime.NowNs(_options.Time), RunnerEventKinds.Link, _status.Step, text), CancellationToken.None).AsTask();
        _smu.LinkEvent += onLink;
        try
        {
            await _smu.ConnectAsync(ct).ConfigureAwait(false);
            await EmitAsync(RunnerEventKinds.Link, 0, $"connected to {_smu.Endpoint}: {_smu.Identity}", ct).ConfigureAwait(false);
            if (_patterns is not null) await _patterns.OpenAsync(ct).ConfigureAwait(false);
            // The twin's silence counts from here: connecting a slow instrument is not the twin falling silent.
            _watchdog.Restart();
            bool skipHolds = false;
            foreach (var scheduled in _protocol.Flatten())
            {
                ct.ThrowIfCancellationRequested();
                if (scheduled.Step.Action == ProtocolAction.Hold && skipHolds)
                {
                    await EmitAsync(RunnerEventKinds.StepSkipped, scheduled.Number, $"skipped '{scheduled.Step.Text}': the charge already ended", ct).ConfigureAwait(false);
                    continue;
                }
                steps++;
                var end = await RunStepAsync(scheduled, ct).ConfigureAwait(false);
                skipHolds = end.EndsCharge || (skipHolds && scheduled.Step.Action == ProtocolAction.Hold);
            }
            outcome = RunOutcome.Completed;
            message = $"protocol completed: {steps} steps, {_seq} samples";
        }
        catch (OperationCanceledException)
        {
            outcome = RunOutcome.Aborted;
            message = "aborted: " + (Volatile.Read(ref _abortReason) ?? "cancelled");
        }
        catch (InterlockTrippedException e)
        {
            outcome = RunOutcome.Interlock;
            message = e.Message;
        }
        catch (Exception e) when (e is ScpiException or InstrumentException or TransportException or IOException or InterlockException or NotSupportedException)
        {
            outcome = RunOutcome.InstrumentFailure;
            message = "instrument failure: " + e.Message;
        }
        var (off, offAttempts) = await TurnOutputOffAsync().ConfigureAwait(false);
        _smu.LinkEvent -= onLink;
        if (_patterns is not null) await _patterns.DisposeAsync().ConfigureAwait(false);
        message += off ? (offAttempts > 1 ? $"; output off (confirmed after {offAttempts} attempts)" : "; output off") : "; output-off NOT confirmed by the instrument";
        if (outcome != RunOutcome.Completed) _log.LogWarning("run ended: {Message}", message);
        await EmitAsync(RunnerEventKinds.Finished, _status.Step, message, CancellationToken.None).ConfigureAwait(false);
        return new RunResult(outcome, message, _seq, steps, off, _clock.Stats());
    }

    private async Task<StepEnd> RunStepAsync(ScheduledStep scheduled, CancellationToken ct)
    {
        var plan = StepPlan.Resolve(scheduled, _options.NominalCapacityAh, _options.DefaultSamplePeriodS, _previous?.VoltageV ?? double.NaN);
        await ApplySourceAsync(plan, ct).ConfigureAwait(false);
        _endStepRequest = null;
        _status = _status with { Step = scheduled.Number, Cycle = scheduled.Cycle, StepText = scheduled.Step.Text, SafeCutoffActive = false };
        await EmitAsync(RunnerEventKinds.StepStart, scheduled.Number, $"cycle {scheduled.Cycle}: {scheduled.Step.Text}", ct).ConfigureAwait(false);
        var monitor = new StepMonitor(plan, _options.NominalCapacityAh, _options.LithiumCutoff);
        _clock.Restart(TimeSpan.FromSeconds(plan.SamplePeriodS / _options.TimeScale));
        double? safe = null;
        int failures = 0;
        while (true)
        {
            await _clock.WaitNextAsync(ct).ConfigureAwait(false);
            SmuReading r;
            try
            {
                r = await _smu.MeasureAsync(ct).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception e) when (e is ScpiException or InstrumentException && e is not ScpiInstrumentException)
            {
                failures++;
                await EmitAsync(RunnerEventKinds.Link, scheduled.Number, $"reading {failures}/{_options.MaxConsecutiveReadFailures} failed: {e.Message}", ct).ConfigureAwait(false);
                if (failures >= _options.MaxConsecutiveReadFailures) throw;
                continue;
            }
            if (_interlock.Check(r) is { } trip)
            {
                await EmitAsync(RunnerEventKinds.Interlock, scheduled.Number, trip.ToString(), ct).ConfigureAwait(false);
                throw new InterlockTrippedException(trip);
            }
            await RecordAsync(r, plan, ct).ConfigureAwait(false);
            var twin = _twin;
            var now = twin is null ? null : LithiumNow.Of(twin, _history, r.TimeUnixNs, _chargeAh);
            if (safe is null && plan.Charging)
            {
                string? why = _watchdog.IsExpired(out string silent) ? silent
                    // the twin answers, but about a reading of this run older than every one kept: its c_Li cannot be carried to now
                    : twin is not null && now is null && twin.TimeUnixNs >= _firstReadingNs && _history.Count == _history.Capacity
                        ? $"the twin's state lies more than {_history.Capacity} readings ({(r.TimeUnixNs - twin.TimeUnixNs) / 1e9:0} s) behind" : null;
                if (why is not null)
                {
                    safe = Math.Min(SafeCutoffV, twin?.RecommendedCutoffV is { } rec && rec > _options.Limits.MinVoltageV ? rec : double.PositiveInfinity);
                    _status = _status with { SafeCutoffActive = true };
                    await EmitAsync(RunnerEventKinds.Watchdog, scheduled.Number, $"{why}: falling back to the safe voltage cut-off {safe:0.000} V", ct).ConfigureAwait(false);
                }
            }
            var end = monitor.Check(r, twin, now, safe);
            if (end is null && _endStepRequest is { } req) end = new StepEnd("command: " + req, false);
            if (end is not null)
            {
                await EmitAsync(RunnerEventKinds.StepEnd, scheduled.Number, end.Message, ct).ConfigureAwait(false);
                return end;
            }
        }
    }

    private async Task ApplySourceAsync(StepPlan plan, CancellationToken ct)
    {
        try
        {
            await SendSourceAsync(plan, ct).ConfigureAwait(false);
        }
        catch (ScpiInstrumentException e)
        {
            // The error queue was drained by the session; an entry that did not come from these settings
            // (or a transient fault) goes away on a second attempt, a real rejection fails again and stops the run.
            await EmitAsync(RunnerEventKinds.Link, plan.Scheduled.Number, $"instrument reported errors ({e.Message}); sending the settings once more", ct).ConfigureAwait(false);
            await SendSourceAsync(plan, ct).ConfigureAwait(false);
        }
    }

    private async Task SendSourceAsync(StepPlan plan, CancellationToken ct)
    {
        if (plan.CurrentA is { } i)
        {
            double vlim = _interlock.CheckCurrentSetpoint(i);
            await _smu.SourceCurrentAsync(i, vlim, ct).ConfigureAwait(false);
        }
        else
        {
            double v = plan.HoldVoltageV!.Value;
            double ilim = _interlock.CheckVoltageSetpoint(v);
            await _smu.SourceVoltageAsync(v, ilim, ct).ConfigureAwait(false);
        }
    }

    private async Task RecordAsync(SmuReading r, StepPlan plan, CancellationToken ct)
    {
        if (_previous is { } p && r.TimeUnixNs > p.TimeUnixNs)
            _chargeAh += (p.CurrentA + r.CurrentA) / 2 * ((r.TimeUnixNs - p.TimeUnixNs) / 1e9) / 3600.0;
        _previous = r;
        if (_firstReadingNs == long.MinValue) _firstReadingNs = r.TimeUnixNs;
        _history.Add(r.TimeUnixNs, _chargeAh);
        _seq++;
        var kind = plan.Step.Action == ProtocolAction.Hold ? (r.CurrentA >= 0 ? StepKind.Charge : StepKind.Discharge) : plan.Kind;
        var sample = new RunnerSample(_seq, r.TimeUnixNs, r.VoltageV, r.CurrentA, _chargeAh, plan.Scheduled.Number, plan.Scheduled.Cycle, kind, r.TemperatureC);
        _status = _status with { LastReading = r, Samples = _seq };
        await _sink.OnSampleAsync(sample, ct).ConfigureAwait(false);
        if (_patterns is not null) await _patterns.OnSampleAsync(r, _twin, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the attempts to turn the output off after a run whose output-off the instrument has not confirmed (they go
    /// on until it confirms otherwise); <see cref="RunAsync"/> then returns with the output-off unconfirmed. For a
    /// process that is being stopped; the instrument may still be on.
    /// </summary>
    public void AbandonOutputOff() => _abandonOutputOff.Cancel();

    /// <summary>
    /// Turns the output off; when the instrument does not confirm, says loudly (log, <see cref="RunnerEventKinds.Output"/>
    /// event) that it may still be on and tries again — the SCPI session re-opens the link — with exponential backoff
    /// (<see cref="RunnerOptions.OutputOffRetryDelay"/> doubling to <see cref="RunnerOptions.OutputOffRetryMaxDelay"/>)
    /// until it confirms or <see cref="AbandonOutputOff"/> is called.
    /// </summary>
    private async Task<(bool Off, int Attempts)> TurnOutputOffAsync()
    {
        var time = _options.Time;
        long start = time.GetTimestamp();
        int attempts = 0;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => !_abandonOutputOff.IsCancellationRequested &&
                e is ScpiException or InstrumentException or TransportException or IOException or OperationCanceledException or InvalidOperationException),
            MaxRetryAttempts = int.MaxValue,
            Delay = _options.OutputOffRetryDelay,
            MaxDelay = _options.OutputOffRetryMaxDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = false,
            OnRetry = async args =>
            {
                string text = $"WARNING: the instrument may still be ON: output-off NOT confirmed (attempt {attempts}: {args.Outcome.Exception?.Message}); " +
                    $"re-opening the link and trying again in {args.RetryDelay.TotalSeconds:0.#} s until it confirms — check the instrument";
                _log.LogCritical("{Warning}", text);
                await _sink.OnEventAsync(new RunnerEvent(UnixTime.NowNs(time), RunnerEventKinds.Output, _status.Step, text), CancellationToken.None).ConfigureAwait(false);
            },
        }).Build();
        try
        {
            await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                // The attempt bounds real I/O on a real link, so it runs on the system clock (the run's clock, e.g. a
                // test's manual one, would step past it while the instrument's answer is still on its way).
                using var timeout = new CancellationTokenSource(OutputOffAttemptTimeout);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
                await _smu.OutputOffAsync(linked.Token).ConfigureAwait(false);
            }, _abandonOutputOff.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ScpiException or InstrumentException or TransportException or IOException or OperationCanceledException or InvalidOperationException)
        {
            string text = $"WARNING: the instrument may still be ON: gave up turning the output off after {attempts} attempt(s): {e.Message}";
            _log.LogCritical("{Warning}", text);
            await _sink.OnEventAsync(new RunnerEvent(UnixTime.NowNs(time), RunnerEventKinds.Output, _status.Step, text), CancellationToken.None).ConfigureAwait(false);
            return (false, attempts);
        }
        if (attempts > 1)
        {
            string text = $"output off confirmed by the instrument after {attempts} attempts ({time.GetElapsedTime(start).TotalSeconds:0.#} s)";
            _log.LogWarning("{Message}", text);
            await _sink.OnEventAsync(new RunnerEvent(UnixTime.NowNs(time), RunnerEventKinds.Output, _status.Step, text), CancellationToken.None).ConfigureAwait(false);
        }
        return (true, attempts);
    }

    /// <summary>Longest wait for one attempt to turn the output off (a reconnect and the command group with its error query).</summary>
    private static readonly TimeSpan OutputOffAttemptTimeout = TimeSpan.FromSeconds(5);

    private async Task EmitAsync(string kind, int step, string message, CancellationToken ct)
    {
        _log.LogInformation("[{Kind}] step {Step}: {Message}", kind, step, message);
        await _sink.OnEventAsync(new RunnerEvent(UnixTime.NowNs(_options.Time), kind, step, message), ct).ConfigureAwait(false);
    }
}
