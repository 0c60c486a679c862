using Twin.Drivers.Instruments;
using Twin.Drivers.Triggers;

namespace Twin.Drivers.Experiment;

/// <summary>
/// Triggers diffraction acquisitions while a run samples: asks the <see cref="PatternSchedule"/> at every reading
/// (with the twin's c_Li and the experiment time), runs one acquisition at a time in the background so sampling
/// never waits for a detector, fills c_Li at mid-exposure from the twin's recent states — waiting until the twin's
/// states have passed the middle of the exposure, as long as the twin answers (a new state within
/// <see cref="TwinStateSamples"/> of the runner's readings) — and hands the record on. What a trigger or a pattern file
/// says about c_Li is never taken.
/// </summary>
/// <remarks>
/// The wait counts readings rather than arming a timer: the runner reads on its own schedule, and a record that went
/// out without c_Li would make the twin service wait for telemetry that, on the embedded bus, queues behind the record.
/// Twin states reach the acquirer with the runner's readings and also on their own (<see cref="OnTwinState"/>): after
/// the run's last reading only the latter come, and a record still waiting when the run ends is given the in-flight
/// bound of <see cref="DisposeAsync"/> for the twin to catch up.
/// </remarks>
internal sealed class PatternAcquirer : IAsyncDisposable
{
    /// <summary>Readings without a new twin state after which a record still waiting for the twin's states to reach the
    /// middle of its exposure goes out without c_Li (the twin service fills it then). The twin answers each reading
    /// within one or two; this bounds a silent twin only — a twin that answers late (a loaded machine, many readings
    /// behind at a high simulation speed) is waited for.</summary>
    public const int TwinStateSamples = 20;

    private readonly PatternPlan _plan;
    private readonly IRunnerSink _sink;
    private readonly Func<string, int, string, CancellationToken, Task> _emit;
    private readonly double _timeScale;
    private readonly TimeProvider _time;
    private readonly LinkedList<(long TimeNs, double CLi)> _history = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopWaiting = new();
    private TaskCompletionSource _news = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _readings;
    private long _lastReadingNs = long.MinValue;
    private bool _ending;
    private Task? _inFlight;
    private long _t0 = long.MinValue;
    private int _count;

    public PatternAcquirer(PatternPlan plan, double timeScale, TimeProvider time, IRunnerSink sink, Func<string, int, string, CancellationToken, Task> emit)
    {
        _plan = plan;
        _timeScale = timeScale;
        _time = time;
        _sink = sink;
        _emit = emit;
    }

    public Task OpenAsync(CancellationToken ct) => _plan.Trigger.OpenAsync(ct);

    private string? _requested;

    /// <summary>Asks for a pattern at the next reading (after one in flight), outside the schedule.</summary>
    /// <param name="reason">Who asked.</param>
    /// <returns>Null when taken, else why not (a request is already waiting).</returns>
    public string? Request(string reason) =>
        Interlocked.CompareExchange(ref _requested, reason, null) is { } waiting ? $"a requested pattern is already waiting ({waiting})" : null;

    /// <summary>A twin state arrived (between readings, and after the run's last one): a record waiting for the twin
    /// looks again.</summary>
    /// <param name="twin">The state.</param>
    public void OnTwinState(TwinFeedback twin)
    {
        lock (_gate) AddLocked(twin, reading: false);
    }

    public async Task OnSampleAsync(SmuReading r, TwinFeedback? twin, CancellationToken ct)
    {
        if (_t0 == long.MinValue) _t0 = r.TimeUnixNs;
        lock (_gate)
        {
            _lastReadingNs = r.TimeUnixNs;
            AddLocked(twin, reading: true);
        }
        if (twin is null) return;
        if (_inFlight is { IsCompleted: false }) return;
        double timeS = (r.TimeUnixNs - _t0) / 1e9;
        string? requested = Interlocked.Exchange(ref _requested, null);
        var decision = _plan.Schedule.Evaluate(twin.CLi, timeS);
        if (!decision.Acquire && requested is null) return;
        _plan.Schedule.MarkAcquired(twin.CLi, timeS);
        // The run's start in the id: a restarted driver writing to the same detector folder must not reuse the ids of
        // the run before (the detector refuses an existing id, and every pattern until the count passed would be lost).
        string id = $"{_plan.IdPrefix}-{DateTime.UnixEpoch.AddTicks(_t0 / 100):yyyyMMdd'T'HHmmss}-{++_count:D5}";
        string why = requested is null ? decision.Reason.ToString() : "requested by " + requested;
        await _emit(RunnerEventKinds.Pattern, 0, $"trigger {id} at c_Li {twin.CLi:0.0000} ({why})", ct).ConfigureAwait(false);
        _inFlight = AcquireAsync(id, ct);
    }

    /// <summary>Keeps a newer twin state and wakes a record waiting for the twin. Under <c>_gate</c>.</summary>
    private void AddLocked(TwinFeedback? twin, bool reading)
    {
        if (reading) _readings++;
        if (twin is not null && (_history.Last is null || _history.Last.Value.TimeNs < twin.TimeUnixNs)) _history.AddLast((twin.TimeUnixNs, twin.CLi));
        while (_history.Count > 4096) _history.RemoveFirst();
        WakeLocked();
    }

    /// <summary>Wakes a record waiting for the twin, so that it looks again. Under <c>_gate</c>.</summary>
    private void WakeLocked()
    {
        _news.TrySetResult();
        _news = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task AcquireAsync(string id, CancellationToken ct)
    {
        try
        {
            var p = await _plan.Trigger.AcquireAsync(id, _plan.ExposureS, ct).ConfigureAwait(false);
            p = p with { CLiMid = await TwinCLiAtAsync(p.MidUnixNs).ConfigureAwait(false) }; // the twin's, whatever the trigger said
            await _sink.OnPatternAsync(p, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A failed acquisition is reported, never fatal for the electrochemistry.
            await _emit(RunnerEventKinds.Pattern, 0, $"pattern {id} failed: {e.Message}", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The twin's c_Li at a time, once its states have passed that time (waiting while a new twin state comes
    /// within <see cref="TwinStateSamples"/> readings; once the run has ended, only for a time up to its last reading and
    /// until the acquirer stops waiting); null when no two states bracket it.</summary>
    private async Task<double?> TwinCLiAtAsync(long timeNs)
    {
        var stop = Task.Delay(Timeout.Infinite, _stopWaiting.Token);
        long newest = long.MinValue, readingsAtNewest = 0;
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_history.Last is { } last && last.Value.TimeNs >= timeNs) return CLiAtLocked(timeNs);
                long latest = _history.Last?.Value.TimeNs ?? long.MinValue;
                if (latest > newest)
                {
                    newest = latest;
                    readingsAtNewest = _readings;   // the twin answered: it is behind, not silent
                }
                // The twin's states carry the times of the readings: past the run's last reading none will come.
                if (_ending && timeNs > _lastReadingNs) return null;
                if (_readings - readingsAtNewest >= TwinStateSamples) return null;
                next = _news.Task;
            }
            if (_stopWaiting.IsCancellationRequested) return null;
            await Task.WhenAny(next, stop).ConfigureAwait(false);
        }
    }

    /// <summary>c_Li at a time, interpolated between the twin states that bracket it; null when none do. Under <c>_gate</c>.</summary>
    private double? CLiAtLocked(long timeNs)
    {
        for (var n = _history.Last; n?.Previous is not null; n = n.Previous)
        {
            var (t1, c1) = n.Value;
            var (t0, c0) = n.Previous.Value;
            if (t0 <= timeNs && timeNs <= t1) return t1 == t0 ? c1 : c0 + (c1 - c0) * (timeNs - t0) / (double)(t1 - t0);
        }
        return null;
    }

    /// <summary>Ends the acquirer at the run's end: a record still waiting for the twin gets up to the in-flight bound
    /// (the longer of 5 s and twice the exposure in wall time) for the twin's states to pass its middle — they keep
    /// arriving through <see cref="OnTwinState"/> — and then goes out without c_Li; the trigger is closed.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _ending = true;
            WakeLocked(); // a record waiting for a time after the last reading goes out now
        }
        if (_inFlight is not null)
        {
            var bound = TimeSpan.FromSeconds(Math.Max(5, 2 * _plan.ExposureS / _timeScale));
            await Task.WhenAny(_inFlight, Task.Delay(bound, _time)).ConfigureAwait(false);
            await _stopWaiting.CancelAsync().ConfigureAwait(false); // still waiting: out without c_Li (the twin service fills it)
            await Task.WhenAny(_inFlight, Task.Delay(bound, _time)).ConfigureAwait(false);
        }
        await _plan.Trigger.DisposeAsync().ConfigureAwait(false);
        _stopWaiting.Dispose();
    }
}
