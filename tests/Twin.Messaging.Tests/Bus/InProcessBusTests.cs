using System.Collections.Concurrent;
using System.Text;
using Twin.Messaging.Bus;
using Twin.Testing;
using Twin.Testing.Logging;

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

    private static BusMessage Q0(string topic, string text) => new(topic, Encoding.UTF8.GetBytes(text), QualityOfService.AtMostOnce);

    [Fact]
    public async Task A_slow_subscriber_makes_publishers_wait()
    {
        await using var bus = new InProcessBus(queueCapacity: 2);
        var gate = new TaskCompletionSource();
        var taken = new TaskCompletionSource();
        await using var sub = await bus.SubscribeAsync("t", QualityOfService.AtLeastOnce, async (m, _) =>
        {
            taken.TrySetResult();
            await gate.Task;
        });
        // QoS 0 completes once queued: one message in the handler, two in the queue, the fourth waits for room.
        await bus.PublishAsync(Q0("t", "0"));
        await taken.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await bus.PublishAsync(Q0("t", "1"));
        await bus.PublishAsync(Q0("t", "2"));
        var blocked = bus.PublishAsync(Q0("t", "3")).AsTask();
        Assert.False(blocked.IsCompleted);
        gate.SetResult();
        await blocked.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_qos_1_publish_completes_when_the_handler_completed_and_fails_when_it_failed()
    {
        var log = new ConcurrentQueue<string>();
        await using var bus = new InProcessBus(log: new LineLogger(log.Enqueue));
        var gate = new TaskCompletionSource();
        var handled = new ConcurrentQueue<string>();
        await using var sub = await bus.SubscribeAsync("t", QualityOfService.AtLeastOnce, async (m, _) =>
        {
            await gate.Task;
            string text = Encoding.UTF8.GetString(m.Payload.Span);
            if (text == "bad") throw new InvalidOperationException("boom");
            handled.Enqueue(text);
        });
        var ok = bus.PublishAsync(M("t", "ok")).AsTask();
        var bad = bus.PublishAsync(M("t", "bad")).AsTask();
        Assert.False(ok.IsCompleted);
        gate.SetResult();
        await ok.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["ok"], handled);
        var e = await Assert.ThrowsAsync<MessageHandlerException>(() => bad.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("boom", e.Message);
        Assert.IsAssignableFrom<IOException>(e);
        Assert.Contains(log, l => l.Contains("boom"));
    }

    [Fact]
    public async Task A_handler_that_publishes_to_its_own_topic_does_not_wait_for_itself()
    {
        await using var bus = new InProcessBus();
        int count = 0;
        await using var sub = await bus.SubscribeAsync("loop", QualityOfService.AtLeastOnce, async (m, ct) =>
        {
            if (Interlocked.Increment(ref count) < 3) await bus.PublishAsync(M("loop", "again"), ct);
        });
        await bus.PublishAsync(M("loop", "first")).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await Twin.Testing.Wait.UntilAsync(() => Volatile.Read(ref count) == 3, "the handler to see its own two republished messages", observed: () => $"{count} handled");
    }

    [Fact]
    public async Task A_publisher_waiting_on_a_subscription_that_closes_is_told()
    {
        var bus = new InProcessBus();
        var gate = new TaskCompletionSource();
        var sub = await bus.SubscribeAsync("t", QualityOfService.AtLeastOnce, async (_, ct) => await gate.Task.WaitAsync(ct));
        var first = bus.PublishAsync(M("t", "1")).AsTask();
        var second = bus.PublishAsync(M("t", "2")).AsTask();
        var closing = bus.DisposeAsync().AsTask();
        await Assert.ThrowsAsync<MessageHandlerException>(() => second.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<MessageHandlerException>(() => first.WaitAsync(TimeSpan.FromSeconds(30)));
        await closing.WaitAsync(TimeSpan.FromSeconds(30));
        await sub.DisposeAsync();
    }

    [Fact]
    public async Task Publishing_to_a_wildcard_topic_is_refused()
    {
        await using var bus = new InProcessBus();
        await Assert.ThrowsAsync<ArgumentException>(async () => await bus.PublishAsync(M("a/+", "x")));
    }
}
