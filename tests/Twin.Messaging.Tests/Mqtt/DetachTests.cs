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
/// Stopping delivery without unsubscribing (<see cref="IDetachableSubscription.DetachAsync"/>), against a real
/// Mosquitto: the persistent session keeps the subscription, so what is published while the client is away — and
/// what arrived after the detach — is delivered to the next session; an explicit unsubscribe still ends it.
/// </summary>
public sealed class DetachTests(ITestOutputHelper output)
{
    private MqttClientOptions Persistent(MosquittoBroker broker, string clientId) => TestClients.Options(broker, clientId, output) with
    {
        CleanStart = false,
        SessionExpiryInterval = 600,
        AcknowledgeAfterHandling = true,
    };

    private static async Task PublishAsync(MosquittoBroker broker, string topic, string text) =>
        Assert.Equal(0, (await MosquittoClients.PublishAsync(broker, ["-V", "mqttv5", "-t", topic, "-q", "1", "-m", text])).ExitCode);

    private static Func<BusMessage, CancellationToken, ValueTask> Into(ConcurrentQueue<string> into) => (m, _) =>
    {
        into.Enqueue(Encoding.UTF8.GetString(m.Payload.Span));
        return ValueTask.CompletedTask;
    };

    [Fact]
    public async Task A_detached_subscription_stays_in_the_session_and_gets_everything_published_meanwhile()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = Persistent(broker, "detach");
        var first = new ConcurrentQueue<string>();
        await using (var client = new MqttClient(options))
        {
            await client.ConnectAsync();
            var subscription = Assert.IsAssignableFrom<IDetachableSubscription>(await client.SubscribeAsync("detach/t", QualityOfService.AtLeastOnce, Into(first)));
            await PublishAsync(broker, "detach/t", "before");
            await Wait.UntilAsync(() => first.Contains("before"), "the first message");
            await subscription.DetachAsync();
            // Still connected: this one reaches the client after the detach and must be left unacknowledged.
            await PublishAsync(broker, "detach/t", "after-detach");
        }
        for (int i = 1; i <= 5; i++) await PublishAsync(broker, "detach/t", $"while-away-{i}");

        var second = new ConcurrentQueue<string>();
        await using var next = new MqttClient(options);
        var subscribing = next.SubscribeAsync("detach/t", QualityOfService.AtLeastOnce, Into(second));
        await next.ConnectAsync();
        await subscribing;
        await Wait.UntilAsync(() => second.Contains("while-away-5"), "the messages published while away", observed: () => string.Join(", ", second));
        Assert.Equal(["before"], first);
        Assert.Equal(["after-detach", "while-away-1", "while-away-2", "while-away-3", "while-away-4", "while-away-5"], second);
    }

    [Fact]
    public async Task An_explicit_unsubscribe_ends_the_subscription_in_the_session()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = Persistent(broker, "unsubscribe");
        await using (var client = new MqttClient(options))
        {
            await client.ConnectAsync();
            var subscription = Assert.IsAssignableFrom<IDetachableSubscription>(await client.SubscribeAsync("unsub/t", QualityOfService.AtLeastOnce, (_, _) => default));
            await subscription.UnsubscribeAsync();
        }
        await PublishAsync(broker, "unsub/t", "while-away");

        var later = new ConcurrentQueue<string>();
        await using var next = new MqttClient(options);
        await next.ConnectAsync();
        Assert.True(next.ConnectResult!.SessionPresent);
        await next.SubscribeAsync("unsub/t", QualityOfService.AtLeastOnce, Into(later));
        await PublishAsync(broker, "unsub/t", "marker");
        await Wait.UntilAsync(() => later.Contains("marker"), "the marker", observed: () => string.Join(", ", later));
        Assert.Equal(["marker"], later);
    }
}
