using System.Collections.Concurrent;
using System.Text;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Tests.Support;
using Twin.Testing;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>
/// The acknowledgement contract on the error path, against a real Mosquitto: a handler that throws never
/// acknowledges its message; the message is handed to it again until it returns, and a message whose handler
/// never succeeded is redelivered by the broker to the next session.
/// </summary>
public sealed class HandlerFailureTests(ITestOutputHelper output)
{
    private MqttClientOptions Persistent(MosquittoBroker broker, string clientId) => TestClients.Options(broker, clientId, output) with
    {
        CleanStart = false,
        SessionExpiryInterval = 600,
        AcknowledgeAfterHandling = true,
        HandlerRetryMinDelay = TimeSpan.FromMilliseconds(20),
        HandlerRetryMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    private static async Task PublishAsync(MosquittoBroker broker, string topic, string text) =>
        Assert.Equal(0, (await MosquittoClients.PublishAsync(broker, ["-V", "mqttv5", "-t", topic, "-q", "1", "-m", text])).ExitCode);

    [Fact]
    public async Task A_failing_handler_gets_its_message_again_until_it_returns_and_only_then_acknowledges()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = Persistent(broker, "retry-until-handled");
        var attempts = new ConcurrentDictionary<string, int>();
        var handled = new ConcurrentQueue<string>();
        await using (var client = new MqttClient(options))
        {
            await client.ConnectAsync();
            await client.SubscribeAsync("fail/a", QualityOfService.AtLeastOnce, (m, _) =>
            {
                string text = Encoding.UTF8.GetString(m.Payload.Span);
                if (attempts.AddOrUpdate(text, 1, (_, n) => n + 1) <= 3) throw new IOException($"disk busy while storing {text}");
                handled.Enqueue(text);
                return ValueTask.CompletedTask;
            });
            await PublishAsync(broker, "fail/a", "m1");
            await PublishAsync(broker, "fail/a", "m2");
            await Wait.UntilAsync(() => handled.Count == 2, "m1 and m2 to be handled", observed: () => string.Join(", ", attempts));
            Assert.Equal(["m1", "m2"], handled);
            Assert.Equal(4, attempts["m1"]);
            Assert.Equal(4, attempts["m2"]);
        }

        // Both were acknowledged once handled: the resumed session holds nothing but what is published now.
        var later = new ConcurrentQueue<string>();
        await using var next = new MqttClient(options);
        var subscribing = next.SubscribeAsync("fail/a", QualityOfService.AtLeastOnce, (m, _) =>
        {
            later.Enqueue(Encoding.UTF8.GetString(m.Payload.Span));
            return ValueTask.CompletedTask;
        });
        await next.ConnectAsync();
        await subscribing;
        Assert.True(next.ConnectResult!.SessionPresent);
        await PublishAsync(broker, "fail/a", "marker");
        await Wait.UntilAsync(() => later.Contains("marker"), "the marker", observed: () => string.Join(", ", later));
        Assert.Equal(["marker"], later);
    }

    [Fact]
    public async Task A_message_whose_handler_keeps_failing_is_not_acknowledged_and_the_broker_redelivers_it()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = Persistent(broker, "never-handled");
        int attempts = 0;
        await using (var failing = new MqttClient(options))
        {
            await failing.ConnectAsync();
            await failing.SubscribeAsync("fail/b", QualityOfService.AtLeastOnce, (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException("the store refuses");
            });
            await PublishAsync(broker, "fail/b", "m1");
            await Wait.UntilAsync(() => Volatile.Read(ref attempts) >= 3, "the handler to fail three times");
        } // a normal DISCONNECT: the session stays, with m1 unacknowledged

        var redelivered = new ConcurrentQueue<string>();
        await using var next = new MqttClient(options);
        var subscribing = next.SubscribeAsync("fail/b", QualityOfService.AtLeastOnce, (m, _) =>
        {
            redelivered.Enqueue(Encoding.UTF8.GetString(m.Payload.Span));
            return ValueTask.CompletedTask;
        });
        await next.ConnectAsync();
        await subscribing;
        await PublishAsync(broker, "fail/b", "m2");
        await Wait.UntilAsync(() => redelivered.Contains("m2"), "m2", observed: () => string.Join(", ", redelivered));
        Assert.Equal(["m1", "m2"], redelivered);
    }
}
