using Microsoft.Extensions.Time.Testing;

namespace Twin.Testing;

/// <summary>
/// A manual clock for tests that share one <see cref="TimeProvider"/> with the code under test (runner, watchdog,
/// simulator): time stands still until the test steps it, so "fired within the timeout plus one period" is exact on
/// any machine, however loaded. On top of <see cref="FakeTimeProvider"/> it counts the timers the code arms, so a test
/// can step only once the code is waiting for its next deadline (never while it is still busy with the last one).
/// </summary>
public sealed class SteppedClock : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private long _timersArmed;
    private TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts at the wall-clock time of construction (so stamps it produces look like today's).</summary>
    public SteppedClock() : base(DateTimeOffset.UtcNow)
    {
    }

    /// <summary>Timers created on this clock so far (each <c>Task.Delay</c> on it is one).</summary>
    public long TimersArmed => Interlocked.Read(ref _timersArmed);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        TaskCompletionSource armed;
        lock (_gate)
        {
            _timersArmed++;
            armed = _armed;
            _armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        armed.TrySetResult();
        return timer;
    }

    /// <summary>
    /// Steps the clock by <paramref name="step"/> each time the code has armed a new timer (it waits for its next
    /// deadline), until <paramref name="running"/> completes; returns it.
    /// </summary>
    /// <param name="running">The code under test, started on this clock.</param>
    /// <param name="step">How far to step each time (e.g. one sampling period).</param>
    /// <param name="what">What runs, for the failure message.</param>
    /// <param name="idleTimeout">Longest real time to wait for the next timer (default <see cref="Wait.DefaultTimeout"/>).</param>
    /// <returns><paramref name="running"/>, completed.</returns>
    /// <exception cref="TimeoutException">The code neither armed a timer nor finished in time (it hangs on something else).</exception>
    public async Task<T> StepUntilDoneAsync<T>(Task<T> running, TimeSpan step, string what, TimeSpan? idleTimeout = null)
    {
        var limit = idleTimeout ?? Wait.DefaultTimeout;
        long stepped = 0;
        while (!running.IsCompleted)
        {
            Task armed;
            lock (_gate) armed = _timersArmed > stepped ? Task.CompletedTask : _armed.Task;
            using var idle = new CancellationTokenSource();
            var first = await Task.WhenAny(armed, running, Task.Delay(limit, idle.Token)).ConfigureAwait(false);
            idle.Cancel();
            if (first == running) break;
            if (first != armed)
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what} to arm its next timer or finish, in vain; " +
                                           $"clock at {GetUtcNow():O} after {stepped} step(s) of {step.TotalMilliseconds} ms");
            stepped = TimersArmed;
            Advance(step);
        }
        return await running.ConfigureAwait(false);
    }
}
