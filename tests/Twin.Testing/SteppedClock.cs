namespace Twin.Testing;

/// <summary>
/// A manual clock for tests that share one <see cref="TimeProvider"/> with the code under test (runner, watchdog,
/// simulator): time stands still until the test steps it, so "fired within the timeout plus one period" is exact on
/// any machine, however loaded. It keeps the due time of every timer the code has armed, so a test can step time to
/// the next one exactly when the code waits for it — never while the code is still busy with the last one.
/// </summary>
/// <remarks>
/// One lock guards the present time and the armed timers together: a timer's due time is computed from the same
/// instant the clock stands at when it is armed, so stepping to a due time always fires that timer. (A clock that keeps
/// its own list beside another clock's timers can record a due time one step early when the test steps while the code
/// arms a timer: the test then steps to a time that fires nothing, for ever.) Callbacks run on the thread that steps,
/// outside the lock, one at a time in due order.
/// </remarks>
public sealed class SteppedClock : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<Armed> _armed = [];
    private DateTimeOffset _now;
    private long _armedCount;
    private TaskCompletionSource _armedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts at the wall-clock time of construction (so stamps it produces look like today's).</summary>
    public SteppedClock() => _now = DateTimeOffset.UtcNow;

    /// <summary>How far each reading of the clock moves it (default zero): time that passes between two readings.
    /// Timers that become due by such moves fire at the next step.</summary>
    public TimeSpan AutoAdvanceAmount { get; set; }

    /// <summary>Timers armed on this clock so far (each <c>Task.Delay</c> on it is one).</summary>
    public long TimersArmed
    {
        get { lock (_gate) return _armedCount; }
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            var t = _now;
            _now += AutoAdvanceAmount;
            return t;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new Armed(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in due order, each at its due time.</summary>
    /// <param name="delta">How far; not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate) target = _now + delta;
        AdvanceTo(target);
    }

    /// <summary>Fires every armed timer due at or before <paramref name="target"/>, then leaves the clock there (or later, if a
    /// reading moved it on).</summary>
    private void AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            Armed? next = null;
            lock (_gate)
            {
                foreach (var t in _armed)
                    if (t.Due <= target && (next is null || t.Due < next.Due)) next = t;
                if (next is null)
                {
                    if (target > _now) _now = target;
                    return;
                }
                if (next.Due > _now) _now = next.Due;
                if (next.Period > TimeSpan.Zero) next.Due += next.Period;
                else _armed.Remove(next);
            }
            next.Fire();
        }
    }

    /// <summary>Arms (or disarms, with an infinite due time) one of this clock's timers; a due time of zero fires it now.</summary>
    private bool Arm(Armed timer, TimeSpan dueTime, TimeSpan period)
    {
        bool fireNow;
        lock (_gate)
        {
            if (timer.Disposed) return false;
            _armed.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan) return true;
            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
            timer.Due = _now + dueTime;
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            fireNow = dueTime == TimeSpan.Zero;
            if (!fireNow || timer.Period > TimeSpan.Zero)
            {
                if (fireNow) timer.Due += timer.Period;
                _armed.Add(timer);
            }
            _armedCount++;
            var signal = _armedSignal;
            _armedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            signal.TrySetResult();
        }
        if (fireNow) timer.Fire();
        return true;
    }

    private void Disarm(Armed timer)
    {
        lock (_gate)
        {
            timer.Disposed = true;
            _armed.Remove(timer);
        }
    }

    /// <summary>
    /// Each time the code has armed a new timer (it waits for its next deadline), steps the clock to the earliest
    /// armed due time; until <paramref name="running"/> completes, whose result it returns.
    /// </summary>
    /// <param name="running">The code under test, started on this clock.</param>
    /// <param name="what">What runs, for the failure message.</param>
    /// <param name="idleTimeout">Longest real time to wait for the next timer (default <see cref="Wait.DefaultTimeout"/>).</param>
    /// <returns>The result of <paramref name="running"/>.</returns>
    /// <exception cref="TimeoutException">The code neither armed a timer nor finished in time (it hangs on something
    /// else), or it was still running after <see cref="LongestRun"/> of real time.</exception>
    public async Task<T> StepUntilDoneAsync<T>(Task<T> running, string what, TimeSpan? idleTimeout = null)
    {
        var limit = idleTimeout ?? Wait.DefaultTimeout;
        long stepped = 0;
        int steps = 0;
        var idleSince = global::System.Diagnostics.Stopwatch.StartNew();
        var since = global::System.Diagnostics.Stopwatch.StartNew();
        while (!running.IsCompleted)
        {
            if (since.Elapsed >= LongestRun)
                throw new TimeoutException($"{what} was still running after {LongestRun.TotalMinutes:0} min of real time and {steps} step(s); clock at {Peek():O}");
            Task armed;
            lock (_gate) armed = _armedCount > stepped ? Task.CompletedTask : _armedSignal.Task;
            using var idle = new CancellationTokenSource();
            var first = await Task.WhenAny(armed, running, Task.Delay(QuietPeriod, idle.Token)).ConfigureAwait(false);
            idle.Cancel();
            if (first == running) break;
            DateTimeOffset? next;
            lock (_gate)
            {
                next = _armed.Count == 0 ? null : _armed.Min(a => a.Due);
                if (first != armed)
                {
                    // Nothing new armed for a while: the code may wait on a timer it armed before the last step (two
                    // timers armed between two steps, the earlier one fired, the later one is what it waits on now).
                    // Step to it; with no timer armed the code waits on something else, which fails after the limit.
                    if (next is null)
                    {
                        if (idleSince.Elapsed >= limit)
                            throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what} to arm its next timer or finish, in vain; " +
                                                       $"clock at {_now:O} after {steps} step(s), no timer armed");
                        continue;
                    }
                }
                stepped = _armedCount;
            }
            idleSince.Restart();
            if (next is { } due) AdvanceTo(due);
            steps++;
        }
        return await running.ConfigureAwait(false);
    }

    private DateTimeOffset Peek()
    {
        lock (_gate) return _now;
    }

    /// <summary>Real time without a newly armed timer after which the clock steps to a timer armed earlier that is still pending.</summary>
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest real time <see cref="StepUntilDoneAsync{T}"/> steps one run (a run that keeps arming timers for
    /// ever fails with a message instead of holding the test run).</summary>
    public static readonly TimeSpan LongestRun = TimeSpan.FromMinutes(5);

    /// <summary>A timer of this clock.</summary>
    private sealed class Armed(SteppedClock clock, TimerCallback callback, object? state) : ITimer
    {
        /// <summary>When it fires next (guarded by the clock's lock).</summary>
        public DateTimeOffset Due { get; set; }

        /// <summary>Zero for a one-shot timer (guarded by the clock's lock).</summary>
        public TimeSpan Period { get; set; }

        /// <summary>Set once disposed (guarded by the clock's lock).</summary>
        public bool Disposed { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => clock.Arm(this, dueTime, period);

        public void Dispose() => clock.Disarm(this);

        public ValueTask DisposeAsync()
        {
            clock.Disarm(this);
            return ValueTask.CompletedTask;
        }
    }
}
