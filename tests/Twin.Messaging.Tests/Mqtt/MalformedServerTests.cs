using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Mqtt.Codec;
using Twin.Messaging.Mqtt.Packets;
using Twin.Messaging.Tests.Support;
using Xunit.Abstractions;
using Twin.Testing;
using Twin.Testing.Logging;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>
/// A scripted server (TcpListener on 127.0.0.1) that misbehaves after CONNACK: the client must answer with DISCONNECT
/// and the right reason code (MQTT 5.0 §4.13), close, and report an error naming what was wrong — never crash or hang.
/// </summary>
public sealed class MalformedServerTests(ITestOutputHelper output)
{
    private static byte[] Encode(MqttPacket p) => MqttPacketEncoder.ToArray(p, MqttProtocolVersion.V500);

    public static TheoryData<string, byte[], MqttReasonCode, string> Violations => new()
    {
        { "garbage", [0x00, 0x00, 0x13, 0x37], MqttReasonCode.MalformedPacket, "packet type 0" },
        { "bad remaining length", [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], MqttReasonCode.MalformedPacket, "remaining length" },
        { "QoS 3", [0x36, 0x06, 0x00, 0x01, (byte)'a', 0x00, 0x01, 0x00], MqttReasonCode.MalformedPacket, "QoS 3" },
        { "invalid UTF-8 topic", [0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x00], MqttReasonCode.MalformedPacket, "UTF-8" },
        { "property not allowed", [0x30, 0x09, 0x00, 0x01, (byte)'a', 0x05, 0x11, 0, 0, 0, 1], MqttReasonCode.MalformedPacket, "0x11" },
        { "bad reason code", [0x40, 0x03, 0x00, 0x01, 0x05], MqttReasonCode.MalformedPacket, "reason code" },
        { "second CONNACK", Encode(new ConnAckPacket()), MqttReasonCode.ProtocolError, "CONNACK" },
        { "AUTH", Encode(new AuthPacket { ReasonCode = MqttReasonCode.ContinueAuthentication, Properties = new MqttProperties { AuthenticationMethod = "x" } }), MqttReasonCode.ProtocolError, "AUTH" },
        { "SUBSCRIBE from server", Encode(new SubscribePacket { PacketId = 1, Subscriptions = [new("a", 0)] }), MqttReasonCode.ProtocolError, "SUBSCRIBE" },
        { "topic alias 0", Encode(new PublishPacket { Topic = "a", Properties = new MqttProperties { TopicAlias = 0 } }), MqttReasonCode.TopicAliasInvalid, "topic alias 0" },
        { "topic alias above maximum", Encode(new PublishPacket { Topic = "a", Properties = new MqttProperties { TopicAlias = 17 } }), MqttReasonCode.TopicAliasInvalid, "topic alias 17" },
        { "unknown topic alias", Encode(new PublishPacket { Topic = "", Properties = new MqttProperties { TopicAlias = 3 } }), MqttReasonCode.ProtocolError, "alias 3" },
        { "empty topic", Encode(new PublishPacket { Topic = "" }), MqttReasonCode.ProtocolError, "empty topic" },
        { "packet too large", Encode(new PublishPacket { Topic = "a", Payload = new byte[5000] }), MqttReasonCode.PacketTooLarge, "maximum packet size" },
        { "receive maximum exceeded", [.. Encode(new PublishPacket { Topic = "a", Qos = 2, PacketId = 1 }), .. Encode(new PublishPacket { Topic = "a", Qos = 2, PacketId = 2 }), .. Encode(new PublishPacket { Topic = "a", Qos = 2, PacketId = 3 })], MqttReasonCode.ReceiveMaximumExceeded, "Receive Maximum" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Protocol_violation_is_answered_with_disconnect_and_reported(string what, byte[] bytes, MqttReasonCode expected, string mention)
    {
        var disconnect = new TaskCompletionSource<DisconnectPacket?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeBroker(async c =>
        {
            await c.AcceptAsync();
            await c.SendRawAsync(bytes);
            while (true)
            {
                var p = await c.ReadAsync(TimeSpan.FromSeconds(10));
                if (p is null or DisconnectPacket) { disconnect.TrySetResult(p as DisconnectPacket); return; }
            }
        });
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new MqttClientOptions
        {
            Host = "127.0.0.1", Port = server.Port, ClientId = "victim", AutoReconnect = false,
            MaximumPacketSize = 1024, ReceiveMaximum = 2, StrictReceiveMaximum = true, TopicAliasMaximum = 16, Logger = LineLogger.To(TestClients.LogTo(output)),
        };
        await using var client = new MqttClient(options);
        client.ConnectionStateChanged += (_, e) => { if (e.Error is not null) error.TrySetResult(e.Error); };
        await client.ConnectAsync();

        var sent = await disconnect.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(sent);
        Assert.True(expected == sent.ReasonCode, $"{what}: client sent DISCONNECT {sent.ReasonCode}, expected {expected}");
        Assert.Contains(mention, sent.Properties.ReasonString ?? "", StringComparison.OrdinalIgnoreCase);

        var reported = Assert.IsType<MqttProtocolException>(await error.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(expected, reported.Code);
        Assert.Contains(mention, reported.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Same(reported, client.LastError);
        output.WriteLine($"{what}: {reported.Message}");
        await WaitForStateAsync(client, MqttConnectionState.Disconnected);
    }

    [Fact]
    public async Task Garbage_with_auto_reconnect_keeps_the_client_alive_and_reconnecting()
    {
        await using var server = new FakeBroker(async c =>
        {
            await c.AcceptAsync();
            var noise = new byte[64];
            new Random(c.Number).NextBytes(noise);
            noise[0] = 0x00;
            await c.SendRawAsync(noise);
            while (await c.ReadAsync(TimeSpan.FromSeconds(10)) is { } p and not DisconnectPacket) { }
        });
        var options = new MqttClientOptions
        {
            Host = "127.0.0.1", Port = server.Port, ClientId = "resilient", ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(100), Logger = LineLogger.To(TestClients.LogTo(output)),
        };
        await using var client = await MqttClient.ConnectNewAsync(options);
        await Wait.UntilAsync(() => client.Reconnects >= 3, "three reconnects", observed: () => $"{client.Reconnects}");
        Assert.IsType<MqttProtocolException>(client.LastError);
    }

    private static Task WaitForStateAsync(MqttClient client, MqttConnectionState state) =>
        Wait.UntilAsync(() => client.State == state, $"the client to be {state}", observed: () => $"{client.State}");

    [Fact]
    public async Task Silent_broker_is_detected_by_keep_alive_within_one_and_a_half_periods()
    {
        int pings = 0;
        var disconnect = new TaskCompletionSource<DisconnectPacket?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeBroker(async c =>
        {
            await c.AcceptAsync(new MqttProperties { ServerKeepAlive = 1 }); // Server Keep Alive overrides the client's 60 s
            while (true)
            {
                var p = await c.ReadAsync(TimeSpan.FromSeconds(20));
                if (p is PingReqPacket) Interlocked.Increment(ref pings); // never answered
                if (p is null or DisconnectPacket) { disconnect.TrySetResult(p as DisconnectPacket); return; }
            }
        });
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = "127.0.0.1", Port = server.Port, ClientId = "ka", KeepAlive = TimeSpan.FromSeconds(60), AutoReconnect = false, Logger = LineLogger.To(TestClients.LogTo(output)),
        });
        client.ConnectionStateChanged += (_, e) => { if (e.Error is not null) error.TrySetResult(e.Error); };
        var started = DateTime.UtcNow;
        var result = await client.ConnectAsync();
        Assert.Equal(1, result.KeepAliveSeconds);
        var ex = Assert.IsType<MqttException>(await error.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var elapsed = DateTime.UtcNow - started;
        Assert.Equal(MqttReasonCode.KeepAliveTimeout, ex.ReasonCode);
        Assert.Contains("PINGRESP", ex.Message);
        Assert.InRange(elapsed.TotalSeconds, 2.0, 5.0); // ping after 1 s idle, dead 1.5 s later
        Assert.Equal(1, Volatile.Read(ref pings));
        Assert.Equal(MqttReasonCode.KeepAliveTimeout, (await disconnect.Task.WaitAsync(TimeSpan.FromSeconds(5)))?.ReasonCode);
    }

    [Fact]
    public async Task Answered_pings_keep_an_idle_connection_up()
    {
        int pings = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var thirdPing = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeBroker(async c =>
        {
            await c.AcceptAsync();
            while (await c.ReadAsync(TimeSpan.FromSeconds(20)) is { } p and not DisconnectPacket)
                if (p is PingReqPacket)
                {
                    if (Interlocked.Increment(ref pings) == 3) thirdPing.TrySetResult(started.Elapsed);
                    await c.SendAsync(PingRespPacket.Instance);
                }
        });
        await using var client = await MqttClient.ConnectNewAsync(new MqttClientOptions
        {
            Host = "127.0.0.1", Port = server.Port, ClientId = "ka2", KeepAlive = TimeSpan.FromSeconds(1), Logger = LineLogger.To(TestClients.LogTo(output)),
        });
        var at = await thirdPing.Task.WaitAsync(Wait.DefaultTimeout);
        Assert.True(client.IsConnected);
        Assert.Equal(0, client.Reconnects);
        // A ping goes out only after a keep-alive period without traffic: the third no sooner than 3 s after connecting.
        // The client's timers run on the runtime's millisecond tick, the test's stopwatch on the high-resolution clock:
        // a timer may fire up to one tick (≤ 1 ms, measured in CI as "3.000 s" failing ≥ 3 s) before the stopwatch says
        // its period is over, so each of the three periods may read up to 1 ms short.
        Assert.True(at >= TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(3), $"third ping after {at.TotalSeconds:0.0000} s: more often than once per keep-alive period");
    }

    [Fact]
    public async Task Keep_alive_runs_on_the_clients_time_provider_ping_after_a_quiet_period_and_dead_after_one_and_a_half_unanswered()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        int pings = 0;
        await using var server = new FakeBroker(async c =>
        {
            await c.AcceptAsync();
            // never answers a PINGREQ
            while (await c.ReadAsync(TimeSpan.FromSeconds(60)) is { } p and not DisconnectPacket)
                if (p is PingReqPacket) Interlocked.Increment(ref pings);
        });
        await using var client = await MqttClient.ConnectNewAsync(new MqttClientOptions
        {
            Host = "127.0.0.1", Port = server.Port, ClientId = "ka-fake", KeepAlive = TimeSpan.FromSeconds(10), AutoReconnect = false,
            TimeProvider = time, Logger = LineLogger.To(TestClients.LogTo(output)),
        });
        // nine quiet seconds on the client's clock: no ping yet (the timer ticks every 1 s of it)
        for (int i = 0; i < 9; i++) time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, Volatile.Read(ref pings));
        // the tenth second: a ping, in real time at once
        await Wait.UntilAsync(() =>
        {
            if (Volatile.Read(ref pings) == 1) return true;
            time.Advance(TimeSpan.FromMilliseconds(250));
            return false;
        }, "a PINGREQ after 10 s of the client's clock");
        Assert.True(client.IsConnected);
        // unanswered for 1.5 × keep alive: the connection is dead
        await Wait.UntilAsync(() =>
        {
            if (!client.IsConnected) return true;
            time.Advance(TimeSpan.FromMilliseconds(500));
            return false;
        }, "the client to give up the connection after an unanswered ping");
        Assert.Equal(1, Volatile.Read(ref pings));
    }

    [Fact]
    public async Task Connack_refusals_map_to_clear_exceptions()
    {
        await using var server = new FakeBroker(async c =>
        {
            await c.ReadAsync();
            var ack = c.Number == 1
                ? new ConnAckPacket { ReasonCode = MqttReasonCode.BadUserNameOrPassword, Properties = new MqttProperties { ReasonString = "unknown user" } }
                : new ConnAckPacket { ReasonCode = MqttReasonCode.ServerMoved, Properties = new MqttProperties { ServerReference = "other.example:1883" } };
            await c.SendAsync(ack);
        });
        var options = new MqttClientOptions { Host = "127.0.0.1", Port = server.Port, ClientId = "refused" };
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(options));
        Assert.Equal(MqttReasonCode.BadUserNameOrPassword, ex.ReasonCode);
        Assert.Contains("refused the connection: 0x86 Bad User Name or Password (unknown user)", ex.Message);
        ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(options));
        Assert.Equal(MqttReasonCode.ServerMoved, ex.ReasonCode);
        Assert.Equal("other.example:1883", ex.ServerReference);
        Assert.Contains("0x9D Server moved", ex.Message);
    }

    [Fact]
    public async Task Missing_connack_times_out_and_an_unreachable_port_fails_clearly()
    {
        await using var server = new FakeBroker(async c => { await c.ReadAsync(); await c.ReadAsync(TimeSpan.FromSeconds(20)); }); // silent until the client gives up
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(new MqttClientOptions
        {
            Host = "127.0.0.1", Port = server.Port, ConnectTimeout = TimeSpan.FromMilliseconds(500),
        }));
        Assert.Contains("no CONNACK", ex.Message);

        int closedPort = Twin.Testing.Mosquitto.MosquittoBroker.FreePort();
        ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(new MqttClientOptions { Host = "127.0.0.1", Port = closedPort }));
        Assert.Contains($"cannot connect to MQTT broker 127.0.0.1:{closedPort}", ex.Message);
    }

    [Fact]
    public async Task Broker_rejection_of_a_publish_fails_that_publish_only()
    {
        await using var server = new FakeBroker(async c =>
        {
            await c.AcceptAsync();
            while (await c.ReadAsync(TimeSpan.FromSeconds(20)) is { } p and not DisconnectPacket)
                if (p is PublishPacket pub)
                    await c.SendAsync(new PubAckPacket
                    {
                        PacketId = pub.PacketId,
                        ReasonCode = pub.Topic == "forbidden" ? MqttReasonCode.NotAuthorized : MqttReasonCode.Success,
                        Properties = new MqttProperties { ReasonString = "acl" },
                    });
        });
        await using var client = await MqttClient.ConnectNewAsync(new MqttClientOptions { Host = "127.0.0.1", Port = server.Port, ClientId = "acl", Logger = LineLogger.To(TestClients.LogTo(output)) });
        var ex = await Assert.ThrowsAsync<MqttException>(async () => await client.PublishAsync(new BusMessage("forbidden", new byte[1])));
        Assert.Equal(MqttReasonCode.NotAuthorized, ex.ReasonCode);
        Assert.Contains("0x87 Not authorized (acl)", ex.Message);
        await client.PublishAsync(new BusMessage("allowed", new byte[1]));
        Assert.True(client.IsConnected);
        Assert.Equal(0, client.InflightCount);
    }

    [Fact]
    public async Task Subscription_refused_by_the_broker_fails_subscribe_and_keeps_the_connection()
    {
        await using var server = new FakeBroker(async c =>
        {
            await c.AcceptAsync();
            while (await c.ReadAsync(TimeSpan.FromSeconds(20)) is { } p and not DisconnectPacket)
                if (p is SubscribePacket sub)
                    await c.SendAsync(new SubAckPacket
                    {
                        PacketId = sub.PacketId,
                        ReasonCodes = [sub.Subscriptions[0].Filter.StartsWith("$share") ? MqttReasonCode.SharedSubscriptionsNotSupported : MqttReasonCode.GrantedQos1],
                        Properties = new MqttProperties { ReasonString = "no sharing here" },
                    });
                else if (p is UnsubscribePacket unsub)
                    await c.SendAsync(new UnsubAckPacket { PacketId = unsub.PacketId, ReasonCodes = [MqttReasonCode.Success] });
        });
        await using var client = await MqttClient.ConnectNewAsync(new MqttClientOptions { Host = "127.0.0.1", Port = server.Port, ClientId = "suback", Logger = LineLogger.To(TestClients.LogTo(output)) });
        var ex = await Assert.ThrowsAsync<MqttException>(async () => await client.SubscribeAsync("$share/g/a", QualityOfService.AtLeastOnce, (_, _) => default));
        Assert.Equal(MqttReasonCode.SharedSubscriptionsNotSupported, ex.ReasonCode);
        Assert.Contains("refused the subscription to '$share/g/a': 0x9E Shared Subscriptions not supported (no sharing here)", ex.Message);
        await using var ok = await client.SubscribeAsync("a/#", QualityOfService.AtLeastOnce, (_, _) => default);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Topic_aliases_from_the_broker_are_resolved()
    {
        await using var server = new FakeBroker(async c =>
        {
            var connect = await c.AcceptAsync();
            Assert.Equal((ushort)16, connect.Properties.TopicAliasMaximum);
            var sub = (SubscribePacket)(await c.ReadAsync())!;
            await c.SendAsync(new SubAckPacket { PacketId = sub.PacketId, ReasonCodes = [MqttReasonCode.GrantedQos1] });
            // MQTT 5.0 §3.3.2.3.4: the first PUBLISH sets alias 1, the next ones send only the alias.
            await c.SendAsync(new PublishPacket { Topic = "twin/v1/lab/c1/telemetry", Payload = new byte[] { 1 }, Properties = new MqttProperties { TopicAlias = 1 } });
            await c.SendAsync(new PublishPacket { Topic = "", Payload = new byte[] { 2 }, Properties = new MqttProperties { TopicAlias = 1 } });
            await c.SendAsync(new PublishPacket { Topic = "", Payload = new byte[] { 3 }, Qos = 1, PacketId = 9, Properties = new MqttProperties { TopicAlias = 1 } });
            Assert.IsType<PubAckPacket>(await c.ReadAsync());
            await c.ServeAsync();
        });
        await using var client = await MqttClient.ConnectNewAsync(new MqttClientOptions { Host = "127.0.0.1", Port = server.Port, ClientId = "alias", Logger = LineLogger.To(TestClients.LogTo(output)) });
        var collector = new MessageCollector();
        await using var s = await client.SubscribeAsync("twin/v1/+/+/telemetry", QualityOfService.AtLeastOnce, collector.Handle);
        var got = await collector.WaitForAsync(3);
        Assert.Equal([1, 2, 3], got.Select(m => (int)m.Payload.Span[0]));
        Assert.All(got, m => Assert.Equal("twin/v1/lab/c1/telemetry", m.Topic));
    }

    [Fact]
    public async Task Publish_and_subscribe_before_connect_complete_once_connected()
    {
        var published = new TaskCompletionSource<PublishPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeBroker(async c =>
        {
            await c.AcceptAsync();
            await c.ServeAsync(p =>
            {
                if (p is PublishPacket pub) published.TrySetResult(pub);
                return Task.CompletedTask;
            });
        });
        await using var client = new MqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = server.Port, ClientId = "early", Logger = LineLogger.To(TestClients.LogTo(output)) });
        var subscribe = client.SubscribeAsync("early/#", QualityOfService.AtLeastOnce, (_, _) => default).AsTask();
        var publish = client.PublishAsync(new BusMessage("early/x", new byte[] { 42 })).AsTask();
        Assert.False(subscribe.IsCompleted || publish.IsCompleted); // nothing can acknowledge them before a connection exists
        await client.ConnectAsync();
        await using var handle = await subscribe.WaitAsync(TimeSpan.FromSeconds(10));
        await publish.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(42, (await published.Task).Payload.Span[0]);
    }
}
