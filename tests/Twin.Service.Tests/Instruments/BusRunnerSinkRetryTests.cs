using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Twin.Drivers.Experiment;
using Twin.Messaging.Bus;
using Twin.Service.Instruments;
using Twin.Testing;

namespace Twin.Service.Tests.Instruments;

/// <summary>The driver's publisher on the in-process bus whose handler fails twice: it retries on its clock, keeps the order, and flushes.</summary>
public sealed class BusRunnerSinkRetryTests
{
    [Fact]
    public async Task A_publish_that_fails_is_retried_with_back_off_on_the_sinks_clock_and_nothing_is_skipped_or_reordered()
    {
        var time = new FakeTimeProvider();
        await using var bus = new InProcessBus();
        var seen = new List<string>();
        int failures = 2;
        await using var sub = await bus.SubscribeAsync("twin/v1/lab/c1/event", QualityOfService.AtLeastOnce, (m, _) =>
        {
            if (Interlocked.Decrement(ref failures) >= 0) throw new IOException("store busy (test)");
            lock (seen) seen.Add(Encoding.UTF8.GetString(m.Payload.Span));
            return ValueTask.CompletedTask;
        });
        await using var sink = new BusRunnerSink(bus, "lab", "c1", "tcp://smu", NullLogger.Instance, time);
        for (int i = 1; i <= 3; i++) await sink.OnEventAsync(new RunnerEvent(i, RunnerEventKinds.Link, 0, $"event {i}"), CancellationToken.None);
        var flushed = sink.FlushAsync(TimeSpan.FromMinutes(1));

        // The retries wait 100 ms, then 200 ms (exponential, no jitter) on the sink's clock. The clock is moved in 10 ms
        // steps until each happened: the time moved is at least the back-off (more when a timer was armed late).
        await Wait.UntilAsync(() => Volatile.Read(ref failures) == 1, "the first attempt to fail");
        var first = await AdvanceUntilAsync(time, () => Volatile.Read(ref failures) == 0, "the first retry");
        Assert.Empty(seen);
        var second = await AdvanceUntilAsync(time, () => flushed.IsCompleted, "the second retry and the flush");
        Assert.InRange(first, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(190));
        Assert.InRange(second, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(390));
        Assert.True(await flushed, "flush returned once every queued message was published");
        lock (seen) Assert.Equal(3, seen.Count);
        Assert.All(seen.Select((json, i) => (json, i)), x => Assert.Contains($"event {x.i + 1}", x.json, StringComparison.Ordinal));
    }

    private static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, string what)
    {
        var start = time.GetUtcNow();
        await Wait.UntilAsync(() =>
        {
            if (done()) return true;
            time.Advance(TimeSpan.FromMilliseconds(10));
            return false;
        }, what);
        return time.GetUtcNow() - start;
    }

    [Fact]
    public async Task Flush_gives_up_after_its_timeout_on_the_sinks_clock_while_the_bus_refuses()
    {
        var time = new FakeTimeProvider();
        await using var bus = new InProcessBus();
        await using var sub = await bus.SubscribeAsync("twin/v1/lab/c1/event", QualityOfService.AtLeastOnce, (_, _) => throw new IOException("down (test)"));
        var sink = new BusRunnerSink(bus, "lab", "c1", "tcp://smu", NullLogger.Instance, time);
        await sink.OnEventAsync(new RunnerEvent(1, RunnerEventKinds.Link, 0, "event"), CancellationToken.None);
        var flushed = sink.FlushAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(await flushed);
    }
}
