using Twin.Drivers.Instruments;
using Twin.Drivers.Triggers;

namespace Twin.Drivers.Experiment;

/// <summary>
/// Triggers diffraction acquisitions while a run samples: asks the <see cref="PatternSchedule"/> at every reading
/// (with the twin's c_Li and the experiment time), runs one acquisition at a time in the background so sampling
/// never waits for a detector, fills c_Li at mid-exposure from the twin's recent states, and hands the record on.
/// </summary>
internal sealed class PatternAcquirer : IAsyncDisposable
{
    private readonly PatternPlan _plan;
    private readonly IRunnerSink _sink;
    private readonly Func<string, int, string, CancellationToken, Task> _emit;
    private readonly double _timeScale;
    private readonly TimeProvider _time;
    private readonly LinkedList<(long TimeNs, double CLi)> _history = new();
    private readonly Lock _gate = new();
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

    public async Task OnSampleAsync(SmuReading r, TwinFeedback? twin, CancellationToken ct)
    {
        if (_t0 == long.MinValue) _t0 = r.TimeUnixNs;
        if (twin is null) return;
        lock (_gate)
        {
            if (_history.Last is null || _history.Last.Value.TimeNs < twin.TimeUnixNs) _history.AddLast((twin.TimeUnixNs, twin.CLi));
            while (_history.Count > 4096) _history.RemoveFirst();
        }
        if (_inFlight is { IsCompleted: false }) return;
        double timeS = (r.TimeUnixNs - _t0) / 1e9;
        var decision = _plan.Schedule.Evaluate(twin.CLi, timeS);
        if (!decision.Acquire) return;
        _plan.Schedule.MarkAcquired(twin.CLi, timeS);
        string id = $"{_plan.IdPrefix}-{++_count:D5}";
        await _emit(RunnerEventKinds.Pattern, 0, $"trigger {id} at c_Li {twin.CLi:0.0000} ({decision.Reason})", ct).ConfigureAwait(false);
        _inFlight = AcquireAsync(id, ct);
    }

    private async Task AcquireAsync(string id, CancellationToken ct)
    {
        try
        {
            var p = await _plan.Trigger.AcquireAsync(id, _plan.ExposureS, ct).ConfigureAwait(false);
            p = p with { CLiMid = CLiAt(p.MidUnixNs) }; // the twin's, whatever the trigger reported
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

    /// <summary>c_Li at a time, interpolated between the twin states that bracket it; null when none do (the twin service fills it then).</summary>
    private double? CLiAt(long timeNs)
    {
        lock (_gate)
        {
            for (var n = _history.Last; n?.Previous is not null; n = n.Previous)
            {
                var (t1, c1) = n.Value;
                var (t0, c0) = n.Previous.Value;
                if (t0 <= timeNs && timeNs <= t1) return t1 == t0 ? c1 : c0 + (c1 - c0) * (timeNs - t0) / (double)(t1 - t0);
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_inFlight is not null) await Task.WhenAny(_inFlight, Task.Delay(TimeSpan.FromSeconds(Math.Max(5, 2 * _plan.ExposureS / _timeScale)), _time)).ConfigureAwait(false);
        await _plan.Trigger.DisposeAsync().ConfigureAwait(false);
    }
}
