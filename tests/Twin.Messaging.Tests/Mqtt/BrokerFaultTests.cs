using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Tests.Support;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;
using Twin.Testing;
using Twin.Testing.Logging;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>Real broker restarts and network cuts: at-least-once delivery must lose nothing.</summary>
public sealed class BrokerFaultTests(ITestOutputHelper output)
{
    // Clean Start = 0 from the first CONNECT: Mosquitto 2.0 does not write sessions created with Clean Start = 1 to its
    // persistence file, so they would not survive the restart even with a session expiry interval.
    private MqttClientOptions Persistent(MosquittoBroker broker, string id) => TestClients.Options(broker, id, output) with
    {
        CleanStart = false,
        SessionExpiryInterval = 600,
        Logger = null, // thousands of lines otherwise; state changes are logged below
    };

    private void Watch(MqttClient client, string name) =>
        client.ConnectionStateChanged += (_, e) =>
        {
            try { output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {name}: {e.Previous} -> {e.Current} {e.Error?.Message}"); }
            catch (InvalidOperationException) { }
        };

    [Fact]
    public async Task Broker_restart_during_2000_qos1_publishes_loses_none()
    {
        const int total = 2000;
        await using var broker = await MosquittoBroker.StartAsync();
        var received = new ConcurrentDictionary<int, int>();
        await using var subscriber = new MqttClient(Persistent(broker, "fault-subscriber"));
        Watch(subscriber, "subscriber");
        await subscriber.ConnectAsync();
        await using var subscription = await subscriber.SubscribeAsync("fault/stream", QualityOfService.AtLeastOnce, (m, _) =>
        {
            received.AddOrUpdate(int.Parse(Encoding.ASCII.GetString(m.Payload.Span), CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            return ValueTask.CompletedTask;
        });

        await using var publisher = new MqttClient(Persistent(broker, "fault-publisher"));
        Watch(publisher, "publisher");
        await publisher.ConnectAsync();
        int acknowledged = 0;
        int acknowledgedAtRestart = -1;
        var restart = Task.Run(async () =>
        {
            await Wait.UntilAsync(() => Volatile.Read(ref acknowledged) >= 500, "500 acknowledged publications");
            acknowledgedAtRestart = Volatile.Read(ref acknowledged);
            output.WriteLine($"restarting the broker after {acknowledgedAtRestart} acknowledgements");
            await broker.RestartAsync();
        });
        var publishes = new List<Task>(total);
        for (int i = 0; i < total; i++)
        {
            var payload = Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture));
            publishes.Add(publisher.PublishAsync(new BusMessage("fault/stream", payload)).AsTask()
                .ContinueWith(t => { if (t.IsCompletedSuccessfully) Interlocked.Increment(ref acknowledged); return t; }).Unwrap());
            if (i % 20 == 19) await Task.Delay(10); // stimulus: spread the stream over about a second, so the restart falls inside it
        }
        await restart.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(publishes).WaitAsync(TimeSpan.FromSeconds(60));

        await Wait.UntilAsync(() => received.Count >= total, $"all {total} messages at the subscriber",
            observed: () => $"{received.Count} distinct; first missing: {string.Join(", ", Enumerable.Range(0, total).Where(i => !received.ContainsKey(i)).Take(20))}\n{broker.Diagnostics()}");
        int duplicates = received.Values.Sum(n => n - 1);
        output.WriteLine($"received {received.Count} distinct of {total}, {duplicates} duplicate(s); publisher reconnects {publisher.Reconnects}, re-sent {publisher.ResentPublications}; subscriber reconnects {subscriber.Reconnects}");
        Assert.InRange(acknowledgedAtRestart, 500, total - 1);
        Assert.True(publisher.Reconnects >= 1 && subscriber.Reconnects >= 1);
        var missing = Enumerable.Range(0, total).Where(i => !received.ContainsKey(i)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} lost, first: {string.Join(", ", missing.Take(20))}\n{broker.Diagnostics()}");
    }

    [Fact]
    public async Task Persistent_subscriber_gets_what_was_published_while_it_was_reconnecting()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var relay = new TcpRelay(broker.Port);
        var received = new ConcurrentDictionary<string, int>();
        await using var subscriber = new MqttClient(Persistent(broker, "offline-subscriber") with { Port = relay.Port });
        Watch(subscriber, "subscriber");
        await subscriber.ConnectAsync();
        await using var subscription = await subscriber.SubscribeAsync("fault/offline/#", QualityOfService.AtLeastOnce, (m, _) =>
        {
            received.AddOrUpdate(Encoding.UTF8.GetString(m.Payload.Span), 1, (_, n) => n + 1);
            return ValueTask.CompletedTask;
        });

        relay.Stop(); // the network to the subscriber fails; it keeps retrying
        await Wait.UntilAsync(() => subscriber.State == MqttConnectionState.Reconnecting, "the subscriber to be reconnecting", observed: () => $"{subscriber.State}");

        string Lines(int from) => string.Join('\n', Enumerable.Range(from, 300).Select(i => $"m{i}")) + "\n";
        var r = await MosquittoClients.PublishAsync(broker, ["-V", "mqttv5", "-t", "fault/offline/a", "-q", "1", "-l"], Lines(0));
        Assert.True(r.ExitCode == 0, r.StandardError);
        await broker.RestartAsync(); // queued messages survive in the persistence file
        r = await MosquittoClients.PublishAsync(broker, ["-V", "mqttv311", "-t", "fault/offline/b", "-q", "1", "-l"], Lines(300));
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Empty(received); // still cut off

        relay.Start();
        await Wait.UntilAsync(() => received.Count >= 600, "600 messages after the reconnect", observed: () => $"{received.Count}");
        output.WriteLine($"received {received.Count} distinct, {received.Values.Sum(n => n - 1)} duplicate(s), reconnects {subscriber.Reconnects}");
        Assert.Equal(Enumerable.Range(0, 600).Select(i => $"m{i}").Order(), received.Keys.Order());
        Assert.True(subscriber.Reconnects >= 1);
        Assert.True(subscriber.ConnectResult!.SessionPresent);
    }

    [Fact]
    public async Task Killed_broker_is_reconnected_to_and_subscriptions_are_restored()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Persistence = false });
        await using var client = new MqttClient(TestClients.Options(broker, "after-kill", output));
        Watch(client, "client");
        await client.ConnectAsync();
        var collector = new MessageCollector();
        await using var s = await client.SubscribeAsync("fault/kill", QualityOfService.AtLeastOnce, collector.Handle);
        broker.Kill(); // no persistence: the session is gone after the restart
        await broker.StartAgainAsync();
        await Wait.UntilAsync(() => client.Reconnects >= 1 && client.IsConnected, "the client to reconnect", observed: () => $"{client.State}, {client.Reconnects} reconnects");
        Assert.False(client.ConnectResult!.SessionPresent);
        // The client sends the re-SUBSCRIBE on the new connection before anything from its outbox: once its own
        // publication comes back, the subscription is restored.
        await client.PublishAsync(new BusMessage("fault/kill", Encoding.UTF8.GetBytes("own")));
        await collector.WaitForAsync(1);
        Assert.Equal(0, (await MosquittoClients.PublishAsync(broker, ["-t", "fault/kill", "-q", "1", "-m", "after"])).ExitCode);
        Assert.Equal(["own", "after"], (await collector.WaitForAsync(2)).Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
    }

    [Fact]
    public async Task Full_outbox_blocks_publishers_while_the_broker_is_down()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var client = new MqttClient(TestClients.Options(broker, "backpressure", output) with { OutboxCapacity = 4 });
        Watch(client, "client");
        await client.ConnectAsync();
        await broker.StopAsync();
        await Wait.UntilAsync(() => client.State == MqttConnectionState.Reconnecting, "the client to be reconnecting", observed: () => $"{client.State}");

        // QoS 0 completes when queued: the first four fit, the fifth waits.
        for (int i = 0; i < 4; i++)
            Assert.True(client.PublishAsync(new BusMessage("bp/x", new byte[200], QualityOfService.AtMostOnce)).IsCompleted);
        var fifth = client.PublishAsync(new BusMessage("bp/x", new byte[200], QualityOfService.AtMostOnce)).AsTask();
        var sixth = client.PublishAsync(new BusMessage("bp/x", new byte[200], QualityOfService.AtLeastOnce)).AsTask();
        Assert.False(fifth.IsCompleted);
        Assert.False(sixth.IsCompleted);
        Assert.Equal(4, client.OutboxCount);

        // Cancelling a blocked publisher only stops its wait (the 100 ms it waits is the stimulus); the others still wait.
        using (var cts = new CancellationTokenSource(100))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                await client.PublishAsync(new BusMessage("bp/x", new byte[200], QualityOfService.AtMostOnce), cts.Token));
        Assert.False(fifth.IsCompleted);
        Assert.False(sixth.IsCompleted);
        Assert.Equal(4, client.OutboxCount);

        await broker.StartAgainAsync();
        await Task.WhenAll(fifth, sixth).WaitAsync(TimeSpan.FromSeconds(15));
        await Wait.UntilAsync(() => client.OutboxCount == 0, "the outbox to empty", observed: () => $"{client.OutboxCount}");
        Assert.True(client.Reconnects >= 1);
    }
}
