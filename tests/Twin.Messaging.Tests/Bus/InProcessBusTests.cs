using System.Collections.Concurrent;
using System.Text;
using Twin.Messaging.Bus;
using Twin.Testing;

namespace Twin.Messaging.Tests.Bus;

public class InProcessBusTests
{
    private static BusMessage M(string topic, string text, bool retain = false) => new(topic, Encoding.UTF8.GetBytes(text), QualityOfService.AtLeastOnce, retain);

    [Fact]
    public async Task Delivers_in_order_to_matching_subscriptions_only()
    {
        await using var bus = new InProcessBus();
        var got = new ConcurrentQueue<string>();
        await using (await bus.SubscribeAsync("twin/v1/+/c1/#", QualityOfService.AtLeastOnce, (m, _) => { got.Enqueue(m.Topic + "=" + Encoding.UTF8.GetString(m.Payload.Span)); return ValueTask.CompletedTask; }))
        {
            for (int i = 0; i < 100; i++) await bus.PublishAsync(M("twin/v1/lab/c1/telemetry", i.ToString()));
            await bus.PublishAsync(M("twin/v1/lab/c2/telemetry", "x"));
        }
        Assert.Equal(Enumerable.Range(0, 100).Select(i => "twin/v1/lab/c1/telemetry=" + i), got);
    }

    [Fact]
    public async Task Retained_messages_reach_late_subscribers_and_an_empty_payload_clears_them()
    {
        await using var bus = new InProcessBus();
        await bus.PublishAsync(M("twin/v1/lab/c1/state", "s1", retain: true));
        await bus.PublishAsync(M("twin/v1/lab/c2/state", "s2", retain: true));
        await bus.PublishAsync(M("twin/v1/lab/c2/state", "", retain: true));
        var got = new ConcurrentQueue<BusMessage>();
        await using (await bus.SubscribeAsync("twin/v1/+/+/state", QualityOfService.AtLeastOnce, (m, _) => { got.Enqueue(m); return ValueTask.CompletedTask; })) { }
        var only = Assert.Single(got);
        Assert.Equal("s1", Encoding.UTF8.GetString(only.Payload.Span));
        Assert.True(only.Retain);
    }

    [Fact]
    public async Task Shared_subscriptions_split_the_stream()
    {
        await using var bus = new InProcessBus();
        int a = 0, b = 0;
        var sa = await bus.SubscribeAsync("$share/g/t/#", QualityOfService.AtLeastOnce, (_, _) => { Interlocked.Increment(ref a); return ValueTask.CompletedTask; });
        var sb = await bus.SubscribeAsync("$share/g/t/#", QualityOfService.AtLeastOnce, (_, _) => { Interlocked.Increment(ref b); return ValueTask.CompletedTask; });
        for (int i = 0; i < 1000; i++) await bus.PublishAsync(M("t/x", "p"));
        await sa.DisposeAsync();
        await sb.DisposeAsync();
        Assert.Equal(1000, a + b);
        Assert.Equal(500, a);
    }

    [Fact]
    public async Task A_slow_subscriber_makes_publishers_wait_and_a_failing_handler_is_logged()
    {
        var log = new ConcurrentQueue<string>();
        await using var bus = new InProcessBus(queueCapacity: 2, log: log.Enqueue);
        var gate = new TaskCompletionSource();
        await using var sub = await bus.SubscribeAsync("t", QualityOfService.AtLeastOnce, async (m, _) =>
        {
            await gate.Task;
            if (m.Payload.Span[0] == (byte)'0') throw new InvalidOperationException("boom");
        });
        await bus.PublishAsync(M("t", "0"));
        await bus.PublishAsync(M("t", "1"));
        await bus.PublishAsync(M("t", "2"));
        var blocked = bus.PublishAsync(M("t", "3")).AsTask();
        Assert.False(blocked.IsCompleted);
        // Another subscription keeps flowing meanwhile; the publisher to the full queue still waits.
        var other = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (await bus.SubscribeAsync("u", QualityOfService.AtLeastOnce, (_, _) => { other.TrySetResult(); return ValueTask.CompletedTask; }))
        {
            await bus.PublishAsync(M("u", "x"));
            await other.Task.WaitAsync(Wait.DefaultTimeout);
        }
        Assert.False(blocked.IsCompleted);
        gate.SetResult();
        await blocked.WaitAsync(TimeSpan.FromSeconds(5));
        await sub.DisposeAsync();
        Assert.Contains(log, l => l.Contains("boom"));
    }

    [Fact]
    public async Task Publishing_to_a_wildcard_topic_is_refused()
    {
        await using var bus = new InProcessBus();
        await Assert.ThrowsAsync<ArgumentException>(async () => await bus.PublishAsync(M("a/+", "x")));
    }
}
