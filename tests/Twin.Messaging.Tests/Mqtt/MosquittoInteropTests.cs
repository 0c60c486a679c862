using System.Text;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Tests.Support;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;
using Twin.Testing;
using static Twin.Messaging.Tests.Support.TestClients;
using Twin.Testing.Logging;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>Interoperability with the real Mosquitto broker and its command-line clients, MQTT 5 and 3.1.1.</summary>
public sealed class MosquittoInteropTests(BrokerFixture fixture, ITestOutputHelper output) : IClassFixture<BrokerFixture>
{
    private MosquittoBroker Broker => fixture.Broker;
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Publishes_qos_0_1_2_to_mosquitto_sub(MqttProtocolVersion v)
    {
        string topic = $"interop/out/{v}";
        await using var sub = MosquittoClients.Subscribe(Broker, ["-V", CliVersion(v), "-t", topic + "/#", "-q", "2", "-F", "MSG|%t|%q|%p"]);
        await sub.WaitSubscribedAsync();
        await using var client = await MqttClient.ConnectNewAsync(Options(Broker, $"out-{v}", output, v));
        Assert.Equal(v, client.ProtocolVersion);
        for (int q = 0; q <= 2; q++)
            await client.PublishAsync(new BusMessage($"{topic}/{q}", Utf8($"payload-{q}"), (QualityOfService)q));
        var lines = await sub.WaitForMessagesAsync(3);
        Assert.Equal([$"{topic}/0|0|payload-0", $"{topic}/1|1|payload-1", $"{topic}/2|2|payload-2"], lines.Order());
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Receives_qos_0_1_2_from_mosquitto_pub(MqttProtocolVersion v)
    {
        string topic = $"interop/in/{v}";
        await using var client = await MqttClient.ConnectNewAsync(Options(Broker, $"in-{v}", output, v));
        var collector = new MessageCollector();
        await using var subscription = await client.SubscribeAsync(topic + "/#", QualityOfService.ExactlyOnce, collector.Handle);
        for (int q = 0; q <= 2; q++)
        {
            var r = await MosquittoClients.PublishAsync(Broker, ["-V", CliVersion(v), "-t", $"{topic}/{q}", "-q", q.ToString(), "-m", $"from-pub-{q}"]);
            Assert.True(r.ExitCode == 0, r.StandardError);
        }
        var got = await collector.WaitForAsync(3);
        Assert.Equal(3, got.Count);
        foreach (var m in got)
        {
            int q = int.Parse(m.Topic[^1..]);
            Assert.Equal((QualityOfService)q, m.Qos);
            Assert.Equal($"from-pub-{q}", Encoding.UTF8.GetString(m.Payload.Span));
        }
    }

    [Fact]
    public async Task Qos_2_stream_is_exactly_once_in_order()
    {
        await using var client = await MqttClient.ConnectNewAsync(Options(Broker, "qos2-stream", output));
        var collector = new MessageCollector();
        await using var subscription = await client.SubscribeAsync("interop/qos2/#", QualityOfService.ExactlyOnce, collector.Handle);
        var lines = string.Join('\n', Enumerable.Range(0, 300).Select(i => $"m{i}")) + "\n";
        var r = await MosquittoClients.PublishAsync(Broker, ["-V", "mqttv5", "-t", "interop/qos2/s", "-q", "2", "-l"], lines);
        Assert.True(r.ExitCode == 0, r.StandardError);
        // A marker after the stream: a duplicate would arrive before it (one handler sees its messages in order).
        Assert.Equal(0, (await MosquittoClients.PublishAsync(Broker, ["-V", "mqttv5", "-t", "interop/qos2/s", "-q", "2", "-m", "end"])).ExitCode);
        await collector.WaitForPayloadAsync("end");
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"m{i}").Append("end"), collector.Payloads);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Retained_messages_are_delivered_to_new_subscribers_and_cleared_by_an_empty_payload(MqttProtocolVersion v)
    {
        string topic = $"interop/retain/{v}/state";
        await using var client = await MqttClient.ConnectNewAsync(Options(Broker, $"retain-{v}", output, v));
        await client.PublishAsync(new BusMessage(topic, Utf8("{\"zone\":\"safe\"}"), QualityOfService.AtLeastOnce, Retain: true));

        // mosquitto_sub sees it as retained (%r = 1).
        await using (var sub = MosquittoClients.Subscribe(Broker, ["-V", CliVersion(v), "-t", topic, "-q", "1", "-F", "MSG|%r|%p", "-C", "1"]))
            Assert.Equal(["1|{\"zone\":\"safe\"}"], await sub.WaitForMessagesAsync(1));

        // A new subscription of our own gets it first, flagged Retain.
        var collector = new MessageCollector();
        await using (await client.SubscribeAsync(topic, QualityOfService.AtLeastOnce, collector.Handle))
        {
            var got = await collector.WaitForAsync(1);
            Assert.True(got.Single().Retain);
        }

        // Retained from mosquitto_pub, then cleared with an empty retained payload (MQTT 5.0 §3.3.1.3).
        string topic2 = topic + "2";
        Assert.Equal(0, (await MosquittoClients.PublishAsync(Broker, ["-V", CliVersion(v), "-t", topic2, "-r", "-q", "1", "-m", "kept"])).ExitCode);
        var c2 = new MessageCollector();
        await using (await client.SubscribeAsync(topic2, QualityOfService.AtLeastOnce, c2.Handle))
            Assert.Equal(["kept"], (await c2.WaitForAsync(1)).Select(m => Encoding.UTF8.GetString(m.Payload.Span)));

        await client.PublishAsync(new BusMessage(topic, ReadOnlyMemory<byte>.Empty, QualityOfService.AtLeastOnce, Retain: true));
        Assert.Equal(0, (await MosquittoClients.PublishAsync(Broker, ["-t", topic2, "-r", "-q", "1", "-n"])).ExitCode);
        var c3 = new MessageCollector();
        await using (await client.SubscribeAsync($"interop/retain/{v}/#", QualityOfService.AtLeastOnce, c3.Handle))
        {
            // Retained messages are sent right after the SUBACK, so any left would arrive before this marker.
            await client.PublishAsync(new BusMessage($"interop/retain/{v}/marker", Utf8("marker"), QualityOfService.AtLeastOnce));
            await c3.WaitForPayloadAsync("marker");
            Assert.Equal(["marker"], c3.Payloads);
        }
    }

    [Fact]
    public async Task Wildcard_subscriptions_route_to_the_matching_handlers()
    {
        await using var client = await MqttClient.ConnectNewAsync(Options(Broker, "wildcards", output));
        var plus = new MessageCollector();
        var hash = new MessageCollector();
        var exact = new MessageCollector();
        await using var s1 = await client.SubscribeAsync("interop/wc/+/telemetry", QualityOfService.AtLeastOnce, plus.Handle);
        await using var s2 = await client.SubscribeAsync("interop/wc/#", QualityOfService.AtLeastOnce, hash.Handle);
        await using var s3 = await client.SubscribeAsync("interop/wc/c1/state", QualityOfService.AtLeastOnce, exact.Handle);
        foreach (var t in new[] { "interop/wc/c1/telemetry", "interop/wc/c2/telemetry", "interop/wc/c1/state", "interop/wc", "interop/wc/c1/telemetry/x" })
            Assert.Equal(0, (await MosquittoClients.PublishAsync(Broker, ["-V", "mqttv5", "-t", t, "-q", "1", "-m", t])).ExitCode);
        // Markers after them for each handler: a wrongly routed message would arrive before its handler's marker.
        Assert.Equal(0, (await MosquittoClients.PublishAsync(Broker, ["-V", "mqttv5", "-t", "interop/wc/end/telemetry", "-q", "1", "-m", "end"])).ExitCode);
        Assert.Equal(0, (await MosquittoClients.PublishAsync(Broker, ["-V", "mqttv5", "-t", "interop/wc/c1/state", "-q", "1", "-m", "end"])).ExitCode);
        await plus.WaitForPayloadAsync("end");
        await exact.WaitForPayloadAsync("end");
        await hash.WaitForAsync(7);
        Assert.Equal(["end", "interop/wc/c1/telemetry", "interop/wc/c2/telemetry"], plus.Payloads.Order());
        Assert.Equal(7, hash.Count); // '#' also matches the parent level "interop/wc"
        Assert.Equal(["interop/wc/c1/state", "end"], exact.Payloads);
    }

    [Fact]
    public async Task Two_handlers_on_one_filter_both_receive_and_unsubscribing_one_keeps_the_other()
    {
        await using var client = await MqttClient.ConnectNewAsync(Options(Broker, "two-handlers", output));
        var a = new MessageCollector();
        var b = new MessageCollector();
        var sa = await client.SubscribeAsync("interop/two/#", QualityOfService.AtLeastOnce, a.Handle);
        await using var sb = await client.SubscribeAsync("interop/two/#", QualityOfService.AtLeastOnce, b.Handle);
        await client.PublishAsync(new BusMessage("interop/two/x", Utf8("1")));
        await a.WaitForAsync(1);
        await b.WaitForAsync(1);
        await sa.DisposeAsync();
        await client.PublishAsync(new BusMessage("interop/two/x", Utf8("2")));
        await b.WaitForAsync(2);
        // One more round trip: had "2" been queued for the removed handler too, it would have been handled by now.
        await client.PublishAsync(new BusMessage("interop/two/x", Utf8("3")));
        await b.WaitForAsync(3);
        Assert.Equal(["1"], a.Payloads);
        Assert.Equal(["1", "2", "3"], b.Payloads);
    }

    [Fact]
    public async Task Shared_subscription_splits_the_stream_between_two_clients()
    {
        await using var c1 = await MqttClient.ConnectNewAsync(Options(Broker, "shared-1", output));
        await using var c2 = await MqttClient.ConnectNewAsync(Options(Broker, "shared-2", output));
        var m1 = new MessageCollector();
        var m2 = new MessageCollector();
        await using var s1 = await c1.SubscribeAsync("$share/g/interop/shared/#", QualityOfService.AtLeastOnce, m1.Handle);
        await using var s2 = await c2.SubscribeAsync("$share/g/interop/shared/#", QualityOfService.AtLeastOnce, m2.Handle);
        var lines = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"s{i}")) + "\n";
        Assert.Equal(0, (await MosquittoClients.PublishAsync(Broker, ["-V", "mqttv5", "-t", "interop/shared/x", "-q", "1", "-l"], lines)).ExitCode);
        await Wait.UntilAsync(() => m1.Count + m2.Count >= 200, "200 messages across the share group", observed: () => $"{m1.Count} + {m2.Count}");
        output.WriteLine($"client 1 got {m1.Count}, client 2 got {m2.Count}");
        Assert.True(m1.Count > 0 && m2.Count > 0, "each member of the share group gets part of the stream");
        var all = m1.Payloads.Concat(m2.Payloads).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"s{i}").Order(), all.Order());
    }

    [Fact]
    public async Task Mqtt5_properties_round_trip_through_mosquitto_both_ways()
    {
        await using var client = await MqttClient.ConnectNewAsync(Options(Broker, "props", output));
        // Ours -> mosquitto_sub.
        await using var sub = MosquittoClients.Subscribe(Broker, ["-V", "mqttv5", "-t", "interop/props/out", "-q", "1", "-F", "MSG|%P|%R|%D|%C|%E|%p"]);
        await sub.WaitSubscribedAsync();
        await client.PublishAsync(new BusMessage("interop/props/out", Utf8("{}"))
        {
            UserProperties = [new("schema", "twin.cmd/1"), new("schema", "dup"), new("ünï", "✓")],
            ResponseTopic = "interop/props/reply",
            CorrelationData = Utf8("corr-42"),
            ContentType = "application/json",
            MessageExpirySeconds = 120,
        });
        var line = Assert.Single(await sub.WaitForMessagesAsync(1));
        var fields = line.Split('|');
        Assert.Contains("schema:twin.cmd/1", fields[0]);
        Assert.Contains("schema:dup", fields[0]);
        Assert.Contains("ünï:✓", fields[0]);
        Assert.Equal("interop/props/reply", fields[1]);
        Assert.Equal("corr-42", fields[2]);
        Assert.Equal("application/json", fields[3]);
        Assert.InRange(int.Parse(fields[4]), 110, 120);
        Assert.Equal("{}", fields[5]);

        // mosquitto_pub -> ours.
        var collector = new MessageCollector();
        await using var s = await client.SubscribeAsync("interop/props/in", QualityOfService.AtLeastOnce, collector.Handle);
        var r = await MosquittoClients.PublishAsync(Broker, ["-V", "mqttv5", "-t", "interop/props/in", "-q", "1", "-m", "x",
            "-D", "PUBLISH", "user-property", "k1", "v1", "-D", "PUBLISH", "user-property", "k2", "v2",
            "-D", "PUBLISH", "response-topic", "reply/here", "-D", "PUBLISH", "correlation-data", "abc",
            "-D", "PUBLISH", "content-type", "text/plain", "-D", "PUBLISH", "message-expiry-interval", "300"]);
        Assert.True(r.ExitCode == 0, r.StandardError);
        var m = Assert.Single(await collector.WaitForAsync(1));
        Assert.Equal([new("k1", "v1"), new("k2", "v2")], m.UserProperties);
        Assert.Equal("reply/here", m.ResponseTopic);
        Assert.Equal("abc", Encoding.UTF8.GetString(m.CorrelationData.Span));
        Assert.Equal("text/plain", m.ContentType);
        Assert.InRange(m.MessageExpirySeconds!.Value, 290u, 300u);
    }

    [Fact]
    public async Task Request_response_between_two_clients_keeps_correlation_data()
    {
        await using var service = await MqttClient.ConnectNewAsync(Options(Broker, "rr-service", output));
        await using var operatorClient = await MqttClient.ConnectNewAsync(Options(Broker, "rr-operator", output));
        await using var commands = await service.SubscribeAsync("interop/rr/cmd/+", QualityOfService.AtLeastOnce, async (m, ct) =>
            await service.PublishAsync(new BusMessage(m.ResponseTopic!, Utf8("done")) { CorrelationData = m.CorrelationData }, ct));
        var replies = new MessageCollector();
        await using var r = await operatorClient.SubscribeAsync("interop/rr/reply", QualityOfService.AtLeastOnce, replies.Handle);
        await operatorClient.PublishAsync(new BusMessage("interop/rr/cmd/stop", Utf8("{}")) { ResponseTopic = "interop/rr/reply", CorrelationData = new byte[] { 0, 1, 2, 255 } });
        var reply = Assert.Single(await replies.WaitForAsync(1));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, reply.CorrelationData.ToArray());
    }

    [Fact]
    public async Task No_local_subscription_does_not_receive_own_messages()
    {
        await using var client = await MqttClient.ConnectNewAsync(Options(Broker, "nolocal", output));
        var collector = new MessageCollector();
        await using var s = await client.SubscribeAsync("interop/nolocal", new MqttSubscriptionOptions(QualityOfService.AtLeastOnce) { NoLocal = true }, collector.Handle);
        await client.PublishAsync(new BusMessage("interop/nolocal", Utf8("mine")));
        Assert.Equal(0, (await MosquittoClients.PublishAsync(Broker, ["-t", "interop/nolocal", "-q", "1", "-m", "theirs"])).ExitCode);
        // "mine" was acknowledged before "theirs" was sent: had the broker forwarded it, it would have come first.
        await collector.WaitForAsync(1);
        Assert.Equal(["theirs"], collector.Payloads);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Last_will_is_published_when_the_socket_dies_and_not_after_a_clean_disconnect(MqttProtocolVersion v)
    {
        string willTopic = $"interop/will/{v}/status";
        await using var sub = MosquittoClients.Subscribe(Broker, ["-V", "mqttv5", "-t", willTopic, "-q", "1", "-F", "MSG|%p"]);
        await sub.WaitSubscribedAsync();
        await using var relay = new TcpRelay(Broker.Port);
        var options = Options(Broker, $"will-{v}", output, v) with
        {
            Port = relay.Port,
            Will = new BusMessage(willTopic, Utf8("offline"), QualityOfService.AtLeastOnce),
            AutoReconnect = false,
        };
        // Clean disconnect: no will.
        await (await MqttClient.ConnectNewAsync(options)).DisposeAsync();
        // Socket killed: will.
        await using var client = await MqttClient.ConnectNewAsync(options);
        relay.Stop();
        Assert.Equal(["offline"], await sub.WaitForMessagesAsync(1));
        // A will of the clean disconnect would have come before this marker.
        Assert.Equal(0, (await MosquittoClients.PublishAsync(Broker, ["-V", "mqttv5", "-t", willTopic, "-q", "1", "-m", "marker"])).ExitCode);
        Assert.Equal(["offline", "marker"], await sub.WaitForMessagesAsync(2));
    }

    [Fact]
    public async Task Invalid_filters_and_topics_are_rejected_before_sending()
    {
        await using var client = await MqttClient.ConnectNewAsync(Options(Broker, "invalid-args", output));
        await Assert.ThrowsAsync<ArgumentException>(async () => await client.SubscribeAsync("a/#/b", QualityOfService.AtMostOnce, (_, _) => default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await client.SubscribeAsync("$share/g/a", new MqttSubscriptionOptions { NoLocal = true }, (_, _) => default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await client.PublishAsync(new BusMessage("a/+", Utf8("x"))));
        await Assert.ThrowsAsync<ArgumentException>(async () => await client.PublishAsync(new BusMessage("a", Utf8("x")) { ResponseTopic = "r/#" }));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task A_throwing_handler_is_logged_and_the_subscription_keeps_running_in_order()
    {
        var log = new List<string>();
        var options = Options(Broker, "throwing", output) with { Logger = new LineLogger(line => { lock (log) log.Add(line); }) };
        await using var client = await MqttClient.ConnectNewAsync(options);
        var seen = new List<int>();
        await using var s = await client.SubscribeAsync("interop/throw", QualityOfService.AtLeastOnce, async (m, ct) =>
        {
            int n = int.Parse(Encoding.UTF8.GetString(m.Payload.Span));
            await Task.Delay(n % 7 == 0 ? 5 : 0, ct); // stimulus: some messages take the handler a while
            lock (seen) seen.Add(n);
            if (n % 10 == 3) throw new InvalidOperationException($"boom {n}");
        });
        for (int i = 0; i < 100; i++)
            await client.PublishAsync(new BusMessage("interop/throw", Utf8(i.ToString())));
        await Wait.UntilAsync(() => { lock (seen) return seen.Count >= 100; }, "100 messages handled", observed: () => { lock (seen) return $"{seen.Count}"; });
        lock (seen) Assert.Equal(Enumerable.Range(0, 100), seen);
        lock (log) Assert.Equal(10, log.Count(l => l.Contains("threw") && l.Contains("boom")));
        Assert.True(client.IsConnected);
    }
}
