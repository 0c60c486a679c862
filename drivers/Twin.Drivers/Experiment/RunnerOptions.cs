using Twin.Drivers.Interlocks;

namespace Twin.Drivers.Experiment;

/// <summary>Settings of one experiment run on one channel.</summary>
public sealed record RunnerOptions
{
    /// <summary>Nominal cell capacity, A·h: 1C = this many amperes (for C-rate setpoints and terminations).</summary>
    public required double NominalCapacityAh { get; init; }

    /// <summary>Hard limits, enforced on every setpoint and every reading.</summary>
    public required HardLimits Limits { get; init; }

    /// <summary>
    /// Safe voltage cut-off for charges, V: when the watchdog fires during a charge, the charge ends at this voltage
    /// (or at the twin's last recommended cut-off, if lower) instead of by lithium content. ≤ <see cref="HardLimits.MaxVoltageV"/>.
    /// </summary>
    public required double SafeCutoffV { get; init; }

    /// <summary>Sampling period for steps without their own "(… period)", experiment seconds (default 10 s).</summary>
    public double DefaultSamplePeriodS { get; init; } = 10;

    /// <summary>
    /// Experiment seconds per wall-clock second: 1 for a real instrument; a simulator running accelerated uses its
    /// speed so sampling periods and watchdog remain meaningful. Step durations are always measured with the
    /// instrument's timestamps.
    /// </summary>
    public double TimeScale { get; init; } = 1;

    /// <summary>Longest silence of the twin (wall-clock) during a charge before falling back to <see cref="SafeCutoffV"/>.</summary>
    public TimeSpan WatchdogTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>End charge steps (CC and CV hold) when the twin decides <c>stop_lithium</c> (cut-off by lithium content, docs/model.md §5).</summary>
    public bool LithiumCutoff { get; init; } = true;

    /// <summary>
    /// How many of its latest readings the runner keeps to carry the twin's state forward to the present one
    /// (<see cref="LithiumNow"/>; default 8,192: 13.6 min at 10 Hz). During a charge a twin whose state lies further
    /// behind counts as silent: the safe voltage cut-off takes over.
    /// </summary>
    public int TwinLagReadings { get; init; } = 8192;

    /// <summary>Consecutive failed readings tolerated before the run stops (each failure is retried at the next sample time).</summary>
    public int MaxConsecutiveReadFailures { get; init; } = 5;

    /// <summary>
    /// The clock of the run: sampling deadlines, the watchdog's silence and the time stamps of events all come from it
    /// (default <see cref="TimeProvider.System"/>; a test passes a manual clock to step time itself).
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Diffraction acquisitions, if any.</summary>
    public PatternPlan? Patterns { get; init; }

    /// <summary>
    /// Delay before the second attempt to turn the output off when the first was not confirmed; it doubles per attempt
    /// up to <see cref="OutputOffRetryMaxDelay"/>, and the attempts go on until the instrument confirms (default 1 s).
    /// </summary>
    public TimeSpan OutputOffRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between two attempts to turn the output off (default 30 s).</summary>
    public TimeSpan OutputOffRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        Limits.Validate();
        if (!(NominalCapacityAh > 0) || !double.IsFinite(NominalCapacityAh)) throw new ArgumentException($"nominal capacity must be a positive number of A·h, got {NominalCapacityAh}");
        if (!(SafeCutoffV > Limits.MinVoltageV && SafeCutoffV <= Limits.MaxVoltageV))
            throw new ArgumentException($"safe cut-off {SafeCutoffV} V must lie within the hard window {Limits.MinVoltageV}–{Limits.MaxVoltageV} V");
        if (!(DefaultSamplePeriodS > 0) || !double.IsFinite(DefaultSamplePeriodS)) throw new ArgumentException($"default sample period must be positive, got {DefaultSamplePeriodS} s");
        if (!(TimeScale >= 1) || !double.IsFinite(TimeScale)) throw new ArgumentException($"time scale must be ≥ 1, got {TimeScale}");
        if (WatchdogTimeout <= TimeSpan.Zero) throw new ArgumentException($"watchdog timeout must be positive, got {WatchdogTimeout}");
        if (Time is null) throw new ArgumentException("time provider must not be null");
        if (OutputOffRetryDelay <= TimeSpan.Zero || OutputOffRetryMaxDelay < OutputOffRetryDelay)
            throw new ArgumentException($"output-off retry delays must be positive with the maximum ≥ the first, got {OutputOffRetryDelay} and {OutputOffRetryMaxDelay}");
        if (TwinLagReadings < 2) throw new ArgumentException($"twin lag readings must be ≥ 2, got {TwinLagReadings}");
        if (MaxConsecutiveReadFailures < 1) throw new ArgumentException($"max consecutive read failures must be ≥ 1, got {MaxConsecutiveReadFailures}");
    }
}
