using System.Text;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Mqtt.Packets;
using Twin.Messaging.Tests.Support;
using Xunit.Abstractions;
using Twin.Testing.Logging;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>
/// Message delivery retry after a reconnect (MQTT 5.0 §4.4), observed packet by packet with a scripted server.
/// </summary>
public sealed class SessionResumptionTests(ITestOutputHelper output)
{
    private MqttClientOptions Options(int port, string id) => new()
    {
        Host = "127.0.0.1", Port = port, ClientId = id, CleanStart = true, SessionExpiryInterval = 300,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(20), ReconnectMaxDelay = TimeSpan.FromMilliseconds(100), Logger = LineLogger.To(TestClients.LogTo(output)),
    };

    [Fact]
    public async Task Unacknowledged_qos1_publish_is_resent_with_dup_and_the_same_packet_identifier()
    {
        var second = new TaskCompletionSource<(ConnectPacket Connect, PublishPacket Publish)>(TaskCreationOptions.RunContinuationsAsynchronously);
        ushort firstId = 0;
        await using var server = new FakeBroker(async c =>
        {
            if (c.Number == 1)
            {
                await c.AcceptAsync();
                var p = (PublishPacket)(await c.ReadAsync())!;
                firstId = p.PacketId;
                Assert.False(p.Dup);
                return; // drop the connection without PUBACK
            }
            var connect = await c.AcceptAsync(sessionPresent: true);
            var again = (PublishPacket)(await c.ReadAsync())!;
            second.TrySetResult((connect, again));
            await c.SendAsync(new PubAckPacket { PacketId = again.PacketId });
            await c.ServeAsync();
        });
        await using var client = await MqttClient.ConnectNewAsync(Options(server.Port, "resend-q1"));
        var publish = client.PublishAsync(new BusMessage("t", Encoding.UTF8.GetBytes("once")));
        var (reconnect, resent) = await second.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(reconnect.CleanStart); // reconnects resume the session
        Assert.True(resent.Dup);
        Assert.Equal(firstId, resent.PacketId);
        await publish.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, client.Reconnects);
        Assert.Equal(1, client.ResentPublications);
    }

    [Fact]
    public async Task Qos2_after_pubrec_resumes_with_pubrel_not_publish()
    {
        var resumed = new TaskCompletionSource<MqttPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeBroker(async c =>
        {
            if (c.Number == 1)
            {
                await c.AcceptAsync();
                var p = (PublishPacket)(await c.ReadAsync())!;
                await c.SendAsync(new PubRecPacket { PacketId = p.PacketId });
                Assert.IsType<PubRelPacket>(await c.ReadAsync());
                return; // drop before PUBCOMP
            }
            await c.AcceptAsync(sessionPresent: true);
            var next = (await c.ReadAsync())!;
            resumed.TrySetResult(next);
            if (next is PubRelPacket rel) await c.SendAsync(new PubCompPacket { PacketId = rel.PacketId });
            await c.ServeAsync();
        });
        await using var client = await MqttClient.ConnectNewAsync(Options(server.Port, "resend-q2"));
        var publish = client.PublishAsync(new BusMessage("t", Encoding.UTF8.GetBytes("exactly"), QualityOfService.ExactlyOnce));
        Assert.IsType<PubRelPacket>(await resumed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await publish.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, client.InflightCount);
    }

    [Fact]
    public async Task Lost_session_means_resubscribe_and_republish_as_new_messages()
    {
        var seen = new TaskCompletionSource<List<MqttPacket>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeBroker(async c =>
        {
            if (c.Number == 1)
            {
                await c.AcceptAsync();
                var sub = (SubscribePacket)(await c.ReadAsync())!;
                await c.SendAsync(new SubAckPacket { PacketId = sub.PacketId, ReasonCodes = [MqttReasonCode.GrantedQos1] });
                await c.ReadAsync(); // the PUBLISH, never acknowledged
                return;
            }
            await c.AcceptAsync(sessionPresent: false); // the broker lost the session (e.g. restarted without persistence)
            var packets = new List<MqttPacket> { (await c.ReadAsync())!, (await c.ReadAsync())! };
            seen.TrySetResult(packets);
            foreach (var p in packets)
            {
                if (p is SubscribePacket s) await c.SendAsync(new SubAckPacket { PacketId = s.PacketId, ReasonCodes = [MqttReasonCode.GrantedQos1] });
                if (p is PublishPacket pub) await c.SendAsync(new PubAckPacket { PacketId = pub.PacketId });
            }
            await c.ServeAsync();
        });
        await using var client = await MqttClient.ConnectNewAsync(Options(server.Port, "lost-session"));
        await using var subscription = await client.SubscribeAsync("cmd/#", QualityOfService.AtLeastOnce, (_, _) => default);
        var publish = client.PublishAsync(new BusMessage("t", Encoding.UTF8.GetBytes("keep me")));
        var packets = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var resubscribe = Assert.Single(packets.OfType<SubscribePacket>());
        Assert.Equal("cmd/#", resubscribe.Subscriptions[0].Filter);
        var republished = Assert.Single(packets.OfType<PublishPacket>());
        Assert.False(republished.Dup);
        Assert.Equal("keep me", Encoding.UTF8.GetString(republished.Payload.Span));
        await publish.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Inbound_qos2_redelivered_after_reconnect_is_delivered_once()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeBroker(async c =>
        {
            var publish = new PublishPacket { Topic = "q2/x", Payload = Encoding.UTF8.GetBytes("only once"), Qos = 2, PacketId = 5 };
            if (c.Number == 1)
            {
                await c.AcceptAsync();
                var sub = (SubscribePacket)(await c.ReadAsync())!;
                await c.SendAsync(new SubAckPacket { PacketId = sub.PacketId, ReasonCodes = [MqttReasonCode.GrantedQos2] });
                await c.SendAsync(publish);
                Assert.IsType<PubRecPacket>(await c.ReadAsync());
                return; // drop before PUBREL
            }
            await c.AcceptAsync(sessionPresent: true);
            await c.SendAsync(new PublishPacket { Topic = publish.Topic, Payload = publish.Payload, Qos = 2, PacketId = 5, Dup = true });
            Assert.IsType<PubRecPacket>(await c.ReadAsync());
            await c.SendAsync(new PubRelPacket { PacketId = 5 });
            var comp = Assert.IsType<PubCompPacket>(await c.ReadAsync());
            Assert.Equal(MqttReasonCode.Success, comp.ReasonCode);
            done.TrySetResult();
            // A marker after the exchange: a second delivery of the message would reach the handler before it.
            await c.SendAsync(new PublishPacket { Topic = "q2/x", Payload = Encoding.UTF8.GetBytes("marker"), Qos = 0 });
            await c.ServeAsync();
        });
        await using var client = await MqttClient.ConnectNewAsync(Options(server.Port, "inbound-q2"));
        var collector = new MessageCollector();
        await using var s = await client.SubscribeAsync("q2/#", QualityOfService.ExactlyOnce, collector.Handle);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await collector.WaitForPayloadAsync("marker");
        Assert.Equal(["only once", "marker"], collector.Payloads);
    }

    [Fact]
    public async Task Send_window_respects_the_broker_receive_maximum()
    {
        int maxOutstanding = 0;
        await using var server = new FakeBroker(async c =>
        {
            await c.AcceptAsync(new Twin.Messaging.Mqtt.Codec.MqttProperties { ReceiveMaximum = 3 });
            var outstanding = new Queue<ushort>();
            while (await c.ReadAsync(TimeSpan.FromSeconds(20)) is { } p and not DisconnectPacket)
            {
                if (p is not PublishPacket pub) continue;
                outstanding.Enqueue(pub.PacketId);
                maxOutstanding = Math.Max(maxOutstanding, outstanding.Count);
                if (outstanding.Count == 3 || pub.Payload.Span[0] == 19) // ack in bursts once the window is full
                    while (outstanding.Count > 0) await c.SendAsync(new PubAckPacket { PacketId = outstanding.Dequeue() });
            }
        });
        await using var client = await MqttClient.ConnectNewAsync(Options(server.Port, "window"));
        var publishes = Enumerable.Range(0, 20).Select(i => client.PublishAsync(new BusMessage("w", new[] { (byte)i })).AsTask()).ToList();
        await Task.WhenAll(publishes).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, maxOutstanding);
    }
}
