using System.Collections.Concurrent;
using System.Text;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Tests.Support;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;
using Twin.Testing;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>
/// With <see cref="MqttClientOptions.AcknowledgeAfterHandling"/>, a message whose handler did not finish is
/// not acknowledged: when the consumer's connection dies, the real broker redelivers it to the resumed session.
/// </summary>
public sealed class AcknowledgeAfterHandlingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Unhandled_messages_are_redelivered_after_the_consumer_dies()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var relay = new TcpRelay(broker.Port);
        var options = TestClients.Options(broker, "ack-after-handling", output) with
        {
            CleanStart = false,
            SessionExpiryInterval = 600,
            AcknowledgeAfterHandling = true,
            ReceiveMaximum = 1000,
            AutoReconnect = false,
        };
        var handled = new ConcurrentQueue<string>();
        var stuck = new TaskCompletionSource();
        var first = new MqttClient(options with { Port = relay.Port });
        await first.ConnectAsync();
        // Two subscriptions: the second's handler finishes at once, the first's blocks on message 3.
        await first.SubscribeAsync("ack/a", QualityOfService.AtLeastOnce, async (m, ct) =>
        {
            string text = Encoding.UTF8.GetString(m.Payload.Span);
            if (text == "a3") await stuck.Task.WaitAsync(ct);
            handled.Enqueue(text);
        });
        await first.SubscribeAsync("ack/b", QualityOfService.AtLeastOnce, (m, _) =>
        {
            handled.Enqueue(Encoding.UTF8.GetString(m.Payload.Span));
            return ValueTask.CompletedTask;
        });
        for (int i = 1; i <= 5; i++)
        {
            Assert.Equal(0, (await MosquittoClients.PublishAsync(broker, ["-V", "mqttv5", "-t", "ack/a", "-q", "1", "-m", $"a{i}"])).ExitCode);
            Assert.Equal(0, (await MosquittoClients.PublishAsync(broker, ["-V", "mqttv5", "-t", "ack/b", "-q", "1", "-m", $"b{i}"])).ExitCode);
        }
        await Wait.UntilAsync(() => handled.Count >= 7, "seven messages handled", observed: () => string.Join(", ", handled));
        // a1, a2 and b1…b5 were handled; a3 is stuck, a4 and a5 wait behind it.
        Assert.Equal(["a1", "a2", "b1", "b2", "b3", "b4", "b5"], handled.Order());

        await relay.DisposeAsync(); // the consumer's link dies without DISCONNECT
        stuck.TrySetCanceled();

        var redelivered = new ConcurrentQueue<string>();
        await using var second = new MqttClient(options);
        // Registered before connecting, so the messages the broker sends right after CONNACK find their handler.
        var subscribing = second.SubscribeAsync("ack/#", QualityOfService.AtLeastOnce, (m, _) =>
        {
            redelivered.Enqueue(Encoding.UTF8.GetString(m.Payload.Span));
            return ValueTask.CompletedTask;
        });
        await second.ConnectAsync();
        await subscribing;
        Assert.True(second.ConnectResult!.SessionPresent);
        await Wait.UntilAsync(() => redelivered.Contains("a5"), "a5 redelivered", observed: () => string.Join(", ", redelivered));
        output.WriteLine("redelivered: " + string.Join(", ", redelivered));
        // Everything from the first unhandled message on comes back (PUBACKs are sent in arrival order, so
        // messages after a3 were not acknowledged either, even those already handled).
        Assert.Contains("a3", redelivered);
        Assert.Contains("a4", redelivered);
        Assert.Contains("a5", redelivered);
        Assert.DoesNotContain("a1", redelivered);
        await first.DisposeAsync();
    }
}
