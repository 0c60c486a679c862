using Twin.Testing;

namespace Twin.Drivers.Tests.Experiment;

/// <summary>The manual clock the runner tests step: every armed timer fires at its due time, however the stepping and
/// the arming interleave.</summary>
public sealed class SteppedClockTests
{
    [Fact]
    public async Task Timers_armed_from_another_thread_while_the_clock_steps_fire_each_at_its_due_time()
    {
        var clock = new SteppedClock();
        var period = TimeSpan.FromMilliseconds(9);
        const int count = 3000;
        var woke = new DateTimeOffset[count + 1];
        // Each wait is armed on a thread-pool thread while the stepping thread may still be busy with the last step, so
        // arming and stepping overlap: every wait must still fire, exactly one period after the last.
        var waiting = Task.Run(async () =>
        {
            woke[0] = clock.GetUtcNow();
            for (int i = 1; i <= count; i++)
            {
                await Task.Delay(period, clock).ConfigureAwait(false);
                woke[i] = clock.GetUtcNow();
            }
            return count;
        });
        Assert.Equal(count, await clock.StepUntilDoneAsync(waiting, "the waits"));
        for (int i = 1; i <= count; i++) Assert.Equal(period, woke[i] - woke[i - 1]);
    }

    [Fact]
    public async Task A_clock_that_moves_on_each_reading_still_fires_a_timer_when_stepped_to_it()
    {
        var clock = new SteppedClock { AutoAdvanceAmount = TimeSpan.FromTicks(10) };
        var start = clock.GetUtcNow();
        var delay = Task.Delay(TimeSpan.FromSeconds(2), clock).ContinueWith(_ => clock.GetUtcNow(), TaskScheduler.Default);
        var woke = await clock.StepUntilDoneAsync(delay, "the delay");
        Assert.InRange(woke - start, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2) + TimeSpan.FromTicks(100));
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_of_an_advance_and_not_after_disposal()
    {
        var clock = new SteppedClock();
        int fired = 0;
        var timer = clock.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal(3, fired);
        timer.Dispose();
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, fired);
    }
}
