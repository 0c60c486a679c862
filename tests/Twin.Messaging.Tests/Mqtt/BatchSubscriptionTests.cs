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
/// A batch subscription against a real Mosquitto: the handler gets every message waiting at once, in order; a batch
/// is acknowledged only when its handler returns, and one that throws is handed back whole.
/// </summary>
public sealed class BatchSubscriptionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Messages_waiting_behind_a_busy_handler_come_as_one_batch_in_order_and_a_failed_batch_comes_back_whole()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = TestClients.Options(broker, "batch-sub", output) with
        {
            CleanStart = false,
            SessionExpiryInterval = 600,
            AcknowledgeAfterHandling = true,
            HandlerRetryMinDelay = TimeSpan.FromMilliseconds(20),
            HandlerRetryMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        const string topic = "batch/a";
        var busy = new SemaphoreSlim(0);
        var calls = new ConcurrentQueue<string[]>();
        int failures = 0;
        await using var client = new MqttClient(options);
        await client.ConnectAsync();
        await client.SubscribeBatchAsync(topic, QualityOfService.AtLeastOnce, async (batch, ct) =>
        {
            var texts = batch.Select(m => Encoding.UTF8.GetString(m.Payload.Span)).ToArray();
            calls.Enqueue(texts);
            if (texts[0] == "m0") await busy.WaitAsync(ct);
            if (texts.Length > 1 && Interlocked.Increment(ref failures) == 1) throw new IOException("disk busy while storing the batch");
        }, maxBatch: 32);

        await using var publisher = new MqttClient(TestClients.Options(broker, "batch-pub", output));
        await publisher.ConnectAsync();
        await publisher.PublishAsync(new BusMessage(topic, Encoding.UTF8.GetBytes("m0")));
        await Wait.UntilAsync(() => calls.Count == 1, "m0 to be handed to the handler");
        var texts = Enumerable.Range(1, 60).Select(i => $"m{i}").ToArray();
        foreach (var t in texts) await publisher.PublishAsync(new BusMessage(topic, Encoding.UTF8.GetBytes(t)));
        long all = texts.Sum(t => (long)t.Length + topic.Length) + 2 + topic.Length;
        await Wait.UntilAsync(() => client.InboundBytes == all, "m1…m60 to wait behind m0 (within the receive maximum)", observed: () => $"{client.InboundBytes} of {all} bytes");
        busy.Release();
        await Wait.UntilAsync(() => client.InboundBytes == 0, "every message to be handled", observed: () => $"{client.InboundBytes} bytes unhandled");

        var seen = calls.ToArray();
        Assert.Equal(["m0"], seen[0]);
        // m1…m32, thrown, handed back whole; then m33…m60.
        Assert.Equal(texts[..32], seen[1]);
        Assert.Equal(texts[..32], seen[2]);
        Assert.Equal(texts[32..], seen[3]);
        Assert.Equal(4, seen.Length);
    }
}
