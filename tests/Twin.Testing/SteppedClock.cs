using Microsoft.Extensions.Time.Testing;

namespace Twin.Testing;

/// <summary>
/// A manual clock for tests that share one <see cref="TimeProvider"/> with the code under test (runner, watchdog,
/// simulator): time stands still until the test steps it, so "fired within the timeout plus one period" is exact on
/// any machine, however loaded. On top of <see cref="FakeTimeProvider"/> it keeps the due times of the timers the code
/// has armed, so a test can step time to the next one exactly when the code waits for it — never while the code is
/// still busy with the last one.
/// </summary>
public sealed class SteppedClock : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<Armed> _pending = [];
    private long _armedCount;
    private TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts at the wall-clock time of construction (so stamps it produces look like today's).</summary>
    public SteppedClock() : base(DateTimeOffset.UtcNow)
    {
    }

    /// <summary>Timers armed on this clock so far (each <c>Task.Delay</c> on it is one).</summary>
    public long TimersArmed => Interlocked.Read(ref _armedCount);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var armed = new Armed(this);
        armed.Inner = base.CreateTimer(s =>
        {
            armed.Fired();
            callback(s);
        }, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        armed.Change(dueTime, period);
        return armed;
    }

    /// <summary>
    /// Each time the code has armed a new timer (it waits for its next deadline), steps the clock to the earliest
    /// pending due time; until <paramref name="running"/> completes, whose result it returns.
    /// </summary>
    /// <param name="running">The code under test, started on this clock.</param>
    /// <param name="what">What runs, for the failure message.</param>
    /// <param name="idleTimeout">Longest real time to wait for the next timer (default <see cref="Wait.DefaultTimeout"/>).</param>
    /// <returns>The result of <paramref name="running"/>.</returns>
    /// <exception cref="TimeoutException">The code neither armed a timer nor finished in time (it hangs on something else).</exception>
    public async Task<T> StepUntilDoneAsync<T>(Task<T> running, string what, TimeSpan? idleTimeout = null)
    {
        var limit = idleTimeout ?? Wait.DefaultTimeout;
        long stepped = 0;
        int steps = 0;
        var idleSince = global::System.Diagnostics.Stopwatch.StartNew();
        while (!running.IsCompleted)
        {
            Task armed;
            lock (_gate) armed = _armedCount > stepped ? Task.CompletedTask : _armed.Task;
            using var idle = new CancellationTokenSource();
            var first = await Task.WhenAny(armed, running, Task.Delay(QuietPeriod, idle.Token)).ConfigureAwait(false);
            idle.Cancel();
            if (first == running) break;
            DateTimeOffset? next;
            lock (_gate)
            {
                next = _pending.Count == 0 ? null : _pending.Min(a => a.Due);
                if (first != armed)
                {
                    // Nothing new armed for a while: the code may wait on a timer it armed before the last step (two
                    // timers armed between two steps, the earlier one fired, the later one is what it waits on now).
                    // Step to it; with no timer pending the code waits on something else, which fails after the limit.
                    if (next is null)
                    {
                        if (idleSince.Elapsed >= limit)
                            throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what} to arm its next timer or finish, in vain; " +
                                                       $"clock at {GetUtcNow():O} after {steps} step(s), no timer pending");
                        continue;
                    }
                }
                stepped = _armedCount;
            }
            idleSince.Restart();
            var now = GetUtcNow();
            if (next is { } due) Advance(due > now ? due - now : TimeSpan.Zero);   // zero: fires a timer due already
            steps++;
        }
        return await running.ConfigureAwait(false);
    }

    /// <summary>Real time without a newly armed timer after which the clock steps to a timer armed earlier that is still pending.</summary>
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>A timer of this clock whose due time is known while it is armed.</summary>
    private sealed class Armed(SteppedClock clock) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset Due { get; private set; }

        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._pending.Remove(this);
                _period = period;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = clock.GetUtcNow() + dueTime;
                    clock._pending.Add(this);
                    clock._armedCount++;
                    var signal = clock._armed;
                    clock._armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    signal.TrySetResult();
                }
            }
            return Inner.Change(dueTime, period);
        }

        /// <summary>A one-shot timer is no longer pending once fired; a periodic one is due a period later.</summary>
        public void Fired()
        {
            lock (clock._gate)
            {
                if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero) clock._pending.Remove(this);
                else Due += _period;
            }
        }

        public void Disarm()
        {
            lock (clock._gate) clock._pending.Remove(this);
        }

        public void Dispose()
        {
            Disarm();
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Disarm();
            return Inner.DisposeAsync();
        }
    }
}
