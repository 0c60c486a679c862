using System.Collections.Concurrent;
using Twin.Core.Cells;
using Twin.Core.Cutoff;
using Twin.Core.Materials;
using Twin.Core.Samples;
using Twin.Drivers.Experiment;
using Twin.Drivers.Triggers;

namespace Twin.Drivers.Tests.Experiment;

/// <summary>
/// Closes the loop in-process: every sample goes through a real <see cref="CellTwin"/> (the Twin.Core model) and its
/// output is fed back to the runner as the twin's state, as the twin service does over the bus. Records everything.
/// </summary>
internal sealed class TwinLoopSink : IRunnerSink
{
    private readonly CellTwin? _twin;

    public TwinLoopSink(double qLiAh, double cLi0, bool lithiumCutoff = true, double? cLiMin = null)
    {
        var config = CellConfig.WithDefaults("cell", MaterialCatalog.Default.Get("NMC811"), qLiAh, cLi0) with
        {
            Cutoff = new LithiumCutoffPolicy(cLiMin ?? LithiumCutoffPolicy.Default.CLiMin, 4.2, lithiumCutoff),
        };
        _twin = new CellTwin(config);
    }

    public TwinLoopSink() { }

    public ExperimentRunner? Runner { get; set; }

    /// <summary>Stop feeding the runner after this many samples (the twin "dies").</summary>
    public long FeedUntilSeq { get; set; } = long.MaxValue;

    /// <summary>The twin answers this many samples late (its state for sample n reaches the runner with sample n + lag),
    /// as a twin behind a bus does.</summary>
    public int FeedbackLag { get; init; }

    private readonly Queue<TwinFeedback> _late = new();

    /// <summary>The twin's states from this sample on are held back until <see cref="ReleaseHeld"/> (a twin that falls
    /// behind and catches up later).</summary>
    public long HoldFeedbackFromSeq { get; init; } = long.MaxValue;

    private readonly Queue<TwinFeedback> _held = new();

    /// <summary>Hands the held-back states to the runner, oldest first (the twin catching up).</summary>
    public void ReleaseHeld()
    {
        lock (_held)
            while (_held.TryDequeue(out var f)) Runner?.OnTwinState(f);
    }

    /// <summary>The clock <see cref="LastFedAt"/> is read from (the runner's, so the two agree).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>When the twin's state was last handed to the runner (its last heartbeat).</summary>
    public DateTimeOffset? LastFedAt { get; private set; }

    public ConcurrentQueue<RunnerSample> Samples { get; } = new();
    public ConcurrentQueue<RunnerEvent> Events { get; } = new();
    public ConcurrentQueue<AcquiredPattern> Patterns { get; } = new();
    public ConcurrentQueue<(long Seq, double CLi)> TwinCLi { get; } = new();

    /// <summary>The twin's lower bound c_Li − kσ per sample (what the cut-off acts on).</summary>
    public ConcurrentQueue<(long Seq, double CLiLow)> TwinLowerBound { get; } = new();
    public Action<RunnerEvent>? OnEvent { get; set; }

    /// <summary>Called with each sample after it was recorded (e.g. to inject a fault after the n-th reading).</summary>
    public Action<RunnerSample>? OnSample { get; set; }

    public ValueTask OnSampleAsync(RunnerSample s, CancellationToken cancellationToken)
    {
        Samples.Enqueue(s);
        OnSample?.Invoke(s);
        if (_twin is not null)
        {
            var o = _twin.Update(new CyclerSample(s.TimeUnixNs / 1e9, s.VoltageV, s.CurrentA, s.ChargeAh, 0, s.Step, s.Cycle, s.Kind));
            TwinCLi.Enqueue((s.Seq, o.CLi));
            TwinLowerBound.Enqueue((s.Seq, o.CLiLowerBound));
            if (s.Seq <= FeedUntilSeq)
            {
                _late.Enqueue(new TwinFeedback(o.CLi, s.TimeUnixNs, o.Decision, null, o.CLiLowerBound, _twin.Estimator.QLiAh,
                    _twin.Config.Cutoff.Enabled ? _twin.Config.Cutoff.CLiMin : null, o.CLiSigma, _twin.Estimator.QLiSigmaAh));
                if (_late.Count > FeedbackLag)
                {
                    var f = _late.Dequeue();
                    if (s.Seq >= HoldFeedbackFromSeq) lock (_held) _held.Enqueue(f);
                    else Runner?.OnTwinState(f);
                }
                LastFedAt = Time.GetUtcNow();
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask OnEventAsync(RunnerEvent e, CancellationToken cancellationToken)
    {
        Events.Enqueue(e);
        OnEvent?.Invoke(e);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnPatternAsync(AcquiredPattern p, CancellationToken cancellationToken)
    {
        Patterns.Enqueue(p);
        return ValueTask.CompletedTask;
    }

    public string EventText => string.Join("\n", Events.Select(e => $"[{e.Kind}] {e.Message}"));
}
