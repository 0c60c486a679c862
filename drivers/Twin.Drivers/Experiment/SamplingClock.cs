namespace Twin.Drivers.Experiment;

/// <summary>
/// Schedules samples on absolute wall-clock deadlines (start + k·period, so delays do not accumulate) and records
/// how late each sample started. Time comes from a <see cref="TimeProvider"/>. Not thread-safe: one runner loop uses it.
/// </summary>
public sealed class SamplingClock
{
    private const int MaxRecorded = 1 << 20;
    private readonly TimeProvider _time;
    private readonly long _frequency;
    private readonly List<float> _lateness = [];
    private readonly List<float> _intervalDeviation = [];
    private long _startTicks;
    private long _periodTicks;
    private long _k;
    private long _lastStartTicks = -1;
    private long _missed;
    private long _longestIntervalTicks;

    /// <summary>Creates a clock.</summary>
    /// <param name="time">Where deadlines are read and waited for (default: system).</param>
    public SamplingClock(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _frequency = _time.TimestampFrequency;
    }

    /// <summary>Starts a new schedule (a new step or a new period); the first sample is due now.</summary>
    /// <param name="wallPeriod">Sampling period in wall-clock time, &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">The period is not positive.</exception>
    public void Restart(TimeSpan wallPeriod)
    {
        if (wallPeriod <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(wallPeriod), wallPeriod, "sampling period must be positive");
        _periodTicks = (long)(wallPeriod.TotalSeconds * _frequency);
        _startTicks = _time.GetTimestamp();
        _k = 0;
        _lastStartTicks = -1;
    }

    /// <summary>Waits for the next deadline and records the lateness of the moment it returns.</summary>
    public async Task WaitNextAsync(CancellationToken cancellationToken)
    {
        long due = _startTicks + _k * _periodTicks;
        long now = _time.GetTimestamp();
        if (now > due + _periodTicks)
        {
            // Overran by more than a period: skip the missed slots instead of bursting.
            long skip = (now - due) / _periodTicks;
            _missed += skip;
            _k += skip;
            due = _startTicks + _k * _periodTicks;
        }
        long wait = due - now;
        if (wait > 0)
        {
            // The system timer has ~1 ms granularity: sleep to just before the deadline, then yield until it passes.
            // Any other clock (e.g. a test's manual clock) moves only when its owner steps it: wait on its timer for
            // the whole time, as a spin would never see it move.
            bool system = _time == TimeProvider.System;
            long coarse = system ? wait - _frequency / 500 : wait;
            if (coarse > 0) await Task.Delay(ToSpan(coarse), _time, cancellationToken).ConfigureAwait(false);
            while (_time.GetTimestamp() < due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (system) await Task.Yield();
                else await Task.Delay(ToSpan(due - _time.GetTimestamp()), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        long started = _time.GetTimestamp();
        if (_lateness.Count < MaxRecorded)
        {
            _lateness.Add((float)((started - due) * 1000.0 / _frequency));
            if (_lastStartTicks >= 0)
                _intervalDeviation.Add((float)(Math.Abs(started - _lastStartTicks - _periodTicks) * 1000.0 / _frequency));
        }
        if (_lastStartTicks >= 0) _longestIntervalTicks = Math.Max(_longestIntervalTicks, started - _lastStartTicks);
        _lastStartTicks = started;
        _k++;
    }

    /// <summary>
    /// A tick count of this clock as a time span, rounded up to whole milliseconds: a timer of a
    /// <see cref="TimeProvider"/> is armed in whole milliseconds, so this never wakes before the deadline (and a
    /// remainder below 1 ms never becomes a zero delay that would spin without arming a timer).
    /// </summary>
    private TimeSpan ToSpan(long ticks) => TimeSpan.FromMilliseconds(Math.Ceiling(ticks * 1000.0 / _frequency));

    /// <summary>Statistics so far.</summary>
    public SamplingStats Stats()
    {
        var late = _lateness.ToArray();
        var dev = _intervalDeviation.ToArray();
        Array.Sort(late);
        Array.Sort(dev);
        return new SamplingStats(late.Length, _missed, Quantile(late, 0.5), Quantile(late, 0.99), late.Length == 0 ? 0 : late[^1], Quantile(dev, 0.99),
            _longestIntervalTicks * 1000.0 / _frequency);
    }

    private static double Quantile(float[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
