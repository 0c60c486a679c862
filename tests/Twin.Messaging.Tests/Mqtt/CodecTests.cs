using System.IO.Pipelines;
using System.Text;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Mqtt.Codec;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Tests.Mqtt;

public sealed class CodecTests
{
    internal static async Task<MqttPacket?> DecodeAsync(byte[] bytes, MqttProtocolVersion version = MqttProtocolVersion.V500, int max = 1 << 20)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        var decoder = new MqttPacketDecoder(version, max);
        return await pipe.Reader.ReadPacketAsync(decoder, CancellationToken.None);
    }

    private static async Task<T> RoundTripAsync<T>(T packet, MqttProtocolVersion version) where T : MqttPacket
    {
        var bytes = MqttPacketEncoder.ToArray(packet, version);
        var decoded = await DecodeAsync(bytes, version);
        var typed = Assert.IsType<T>(decoded);
        Assert.Equal(bytes, MqttPacketEncoder.ToArray(typed, version)); // re-encodes to the same bytes
        return typed;
    }

    private static MqttProperties AllPublishProperties() => new()
    {
        PayloadFormatIndicator = 1,
        MessageExpiryInterval = 3600,
        ContentType = "application/json",
        ResponseTopic = "twin/v1/lab/c1/cmd/reply",
        CorrelationData = [1, 2, 3, 0, 255],
        SubscriptionIdentifiers = [1, 268_435_455],
        TopicAlias = 7,
        UserProperties = [new("k", "v"), new("k", "v2"), new("ünï", "çødé ✓")],
    };

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Every_packet_type_round_trips(MqttProtocolVersion v)
    {
        bool v5 = v == MqttProtocolVersion.V500;
        var connect = await RoundTripAsync(new ConnectPacket
        {
            ProtocolVersion = v, ClientId = "twin-ä", CleanStart = true, KeepAliveSeconds = 30, Username = "u", Password = [1, 2],
            Will = new MqttWill
            {
                Topic = "status/x", Payload = Encoding.UTF8.GetBytes("offline"), Qos = 1, Retain = true,
                Properties = v5 ? new MqttProperties { WillDelayInterval = 5, ContentType = "text/plain", MessageExpiryInterval = 9 } : new MqttProperties(),
            },
            Properties = v5 ? new MqttProperties
            {
                SessionExpiryInterval = 300, ReceiveMaximum = 10, MaximumPacketSize = 1000, TopicAliasMaximum = 5,
                RequestProblemInformation = 1, RequestResponseInformation = 0, UserProperties = [new("a", "b")],
                AuthenticationMethod = "SCRAM", AuthenticationData = [9],
            } : new MqttProperties(),
        }, v);
        Assert.Equal("twin-ä", connect.ClientId);
        Assert.Equal("offline", Encoding.UTF8.GetString(connect.Will!.Payload.Span));
        if (v5) Assert.Equal(5u, connect.Will.Properties.WillDelayInterval);

        var connAck = await RoundTripAsync(new ConnAckPacket
        {
            SessionPresent = true, ReasonCode = MqttReasonCode.Success,
            Properties = v5 ? new MqttProperties
            {
                SessionExpiryInterval = 1, AssignedClientIdentifier = "auto-1", ServerKeepAlive = 20, ResponseInformation = "ri",
                ServerReference = "other", ReasonString = "ok", ReceiveMaximum = 20, TopicAliasMaximum = 10, MaximumQos = 1,
                RetainAvailable = 0, MaximumPacketSize = 100_000, WildcardSubscriptionAvailable = 1,
                SubscriptionIdentifierAvailable = 1, SharedSubscriptionAvailable = 0, UserProperties = [new("x", "y")],
            } : new MqttProperties(),
        }, v);
        Assert.True(connAck.SessionPresent);
        if (v5) Assert.Equal("auto-1", connAck.Properties.AssignedClientIdentifier);

        var publish = await RoundTripAsync(new PublishPacket
        {
            Topic = "a/b", Payload = new byte[300], Qos = 2, Retain = true, Dup = true, PacketId = 65535,
            Properties = v5 ? AllPublishProperties() : MqttProperties.Empty,
        }, v);
        Assert.Equal(65535, publish.PacketId);
        Assert.True(publish.Dup && publish.Retain);
        if (v5)
        {
            Assert.Equal([1, 268_435_455], publish.Properties.SubscriptionIdentifiers!);
            Assert.Equal(3, publish.Properties.UserProperties!.Count);
        }

        var props = v5 ? new MqttProperties { ReasonString = "why", UserProperties = [new("a", "b")] } : MqttProperties.Empty;
        var code = v5 ? MqttReasonCode.NoMatchingSubscribers : MqttReasonCode.Success;
        Assert.Equal(code, (await RoundTripAsync(new PubAckPacket { PacketId = 1, ReasonCode = code, Properties = props }, v)).ReasonCode);
        Assert.Equal(code, (await RoundTripAsync(new PubRecPacket { PacketId = 2, ReasonCode = code, Properties = props }, v)).ReasonCode);
        var relCode = v5 ? MqttReasonCode.PacketIdentifierNotFound : MqttReasonCode.Success;
        Assert.Equal(relCode, (await RoundTripAsync(new PubRelPacket { PacketId = 3, ReasonCode = relCode }, v)).ReasonCode);
        Assert.Equal(4, (await RoundTripAsync(new PubCompPacket { PacketId = 4 }, v)).PacketId);

        var subscribe = await RoundTripAsync(new SubscribePacket
        {
            PacketId = 5,
            Properties = v5 ? new MqttProperties { SubscriptionIdentifiers = [42] } : MqttProperties.Empty,
            Subscriptions = [new("a/#", v5 ? (byte)0b10_1110 : (byte)2), new("$share/g/b/+", 1)],
        }, v);
        Assert.Equal(2, subscribe.Subscriptions.Count);
        var subAck = await RoundTripAsync(new SubAckPacket
        {
            PacketId = 5, ReasonCodes = [MqttReasonCode.GrantedQos2, v5 ? MqttReasonCode.SharedSubscriptionsNotSupported : MqttReasonCode.UnspecifiedError],
        }, v);
        Assert.Equal(2, subAck.ReasonCodes.Count);
        Assert.Equal(2, (await RoundTripAsync(new UnsubscribePacket { PacketId = 6, Filters = ["a/#", "b"] }, v)).Filters.Count);
        Assert.Equal(v5 ? 2 : 0, (await RoundTripAsync(new UnsubAckPacket
        {
            PacketId = 6, ReasonCodes = v5 ? [MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted] : [],
        }, v)).ReasonCodes.Count);
        await RoundTripAsync(PingReqPacket.Instance, v);
        await RoundTripAsync(PingRespPacket.Instance, v);
        var disconnect = await RoundTripAsync(new DisconnectPacket
        {
            ReasonCode = v5 ? MqttReasonCode.ServerMoved : MqttReasonCode.Success,
            Properties = v5 ? new MqttProperties { ServerReference = "b2:1883", ReasonString = "moved", SessionExpiryInterval = 0 } : MqttProperties.Empty,
        }, v);
        if (v5)
        {
            Assert.Equal("b2:1883", disconnect.Properties.ServerReference);
            var auth = await RoundTripAsync(new AuthPacket
            {
                ReasonCode = MqttReasonCode.ContinueAuthentication,
                Properties = new MqttProperties { AuthenticationMethod = "SCRAM", AuthenticationData = [1] },
            }, v);
            Assert.Equal("SCRAM", auth.Properties.AuthenticationMethod);
        }
    }

    [Fact]
    public async Task Short_forms_of_acknowledgements_decode_as_success()
    {
        // PUBACK with only the packet identifier (MQTT 5.0 §3.4.2.1), DISCONNECT with remaining length 0 (§3.14.2.1).
        var ack = Assert.IsType<PubAckPacket>(await DecodeAsync([0x40, 0x02, 0x00, 0x07]));
        Assert.Equal(MqttReasonCode.Success, ack.ReasonCode);
        var rec = Assert.IsType<PubRecPacket>(await DecodeAsync([0x50, 0x03, 0x00, 0x07, 0x10]));
        Assert.Equal(MqttReasonCode.NoMatchingSubscribers, rec.ReasonCode);
        Assert.Equal(MqttReasonCode.Success, Assert.IsType<DisconnectPacket>(await DecodeAsync([0xE0, 0x00])).ReasonCode);
    }

    [Fact]
    public async Task Version_311_connack_in_answer_to_version_5_is_recognised()
    {
        // A 3.1.1 server answers an unknown protocol level with return code 1 (MQTT 3.1.1 §3.1.2.2).
        var ack = Assert.IsType<ConnAckPacket>(await DecodeAsync([0x20, 0x02, 0x00, 0x01]));
        Assert.Equal(MqttReasonCode.UnsupportedProtocolVersion, ack.ReasonCode);
        Assert.True(ack.IsV311Layout);
    }

    public static TheoryData<string, byte[], MqttReasonCode> Malformed => new()
    {
        { "remaining length of 5 bytes", [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], MqttReasonCode.MalformedPacket },
        { "QoS 3", [0x36, 0x05, 0x00, 0x01, (byte)'a', 0x00, 0x01], MqttReasonCode.MalformedPacket },
        { "DUP on QoS 0", [0x38, 0x04, 0x00, 0x01, (byte)'a', 0x00], MqttReasonCode.MalformedPacket },
        { "packet type 0", [0x00, 0x00], MqttReasonCode.MalformedPacket },
        { "PUBREL flags 0000", [0x60, 0x02, 0x00, 0x01], MqttReasonCode.MalformedPacket },
        { "PINGRESP flags", [0xD1, 0x00], MqttReasonCode.MalformedPacket },
        { "PINGRESP with a body", [0xD0, 0x01, 0x00], MqttReasonCode.MalformedPacket },
        { "topic with invalid UTF-8", [0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x00], MqttReasonCode.MalformedPacket },
        { "topic with U+0000", [0x30, 0x05, 0x00, 0x02, (byte)'a', 0x00, 0x00], MqttReasonCode.MalformedPacket },
        { "topic with UTF-16 surrogate encoded", [0x30, 0x06, 0x00, 0x03, 0xED, 0xA0, 0x80, 0x00], MqttReasonCode.MalformedPacket },
        { "topic length past the end", [0x30, 0x03, 0x00, 0x09, (byte)'a'], MqttReasonCode.MalformedPacket },
        { "wildcard in a PUBLISH topic", [0x30, 0x04, 0x00, 0x01, (byte)'#', 0x00], MqttReasonCode.ProtocolError },
        { "session expiry in PUBLISH", [0x30, 0x09, 0x00, 0x01, (byte)'a', 0x05, 0x11, 0, 0, 0, 1], MqttReasonCode.MalformedPacket },
        { "content type twice", [0x30, 0x0B, 0x00, 0x01, (byte)'a', 0x07, 0x03, 0x00, 0x01, (byte)'x', 0x03, 0x00, 0x00], MqttReasonCode.ProtocolError },
        { "property length past the end", [0x30, 0x05, 0x00, 0x01, (byte)'a', 0x09, 0x01], MqttReasonCode.MalformedPacket },
        { "payload format indicator 2", [0x30, 0x06, 0x00, 0x01, (byte)'a', 0x02, 0x01, 0x02], MqttReasonCode.ProtocolError },
        { "subscription identifier 0", [0x30, 0x06, 0x00, 0x01, (byte)'a', 0x02, 0x0B, 0x00], MqttReasonCode.ProtocolError },
        { "unknown property 0x7F", [0x30, 0x06, 0x00, 0x01, (byte)'a', 0x02, 0x7F, 0x00], MqttReasonCode.MalformedPacket },
        { "packet identifier 0", [0x32, 0x06, 0x00, 0x01, (byte)'a', 0x00, 0x00, 0x00], MqttReasonCode.ProtocolError },
        { "PUBACK reason 0x05", [0x40, 0x03, 0x00, 0x01, 0x05], MqttReasonCode.MalformedPacket },
        { "CONNACK reason 0x10", [0x20, 0x03, 0x00, 0x10, 0x00], MqttReasonCode.MalformedPacket },
        { "CONNACK reserved flag", [0x20, 0x03, 0x02, 0x00, 0x00], MqttReasonCode.MalformedPacket },
        { "receive maximum 0 in CONNACK", [0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00], MqttReasonCode.ProtocolError },
        { "SUBACK without reason codes", [0x90, 0x03, 0x00, 0x01, 0x00], MqttReasonCode.ProtocolError },
        { "DISCONNECT reason 0x01", [0xE0, 0x01, 0x01], MqttReasonCode.MalformedPacket },
        { "AUTH reason 0x80", [0xF0, 0x01, 0x80], MqttReasonCode.MalformedPacket },
        { "stream ends inside a packet", [0x30, 0x0A, 0x00, 0x01], MqttReasonCode.MalformedPacket },
        { "packet larger than the maximum", [0x30, 0xFF, 0xFF, 0x7F], MqttReasonCode.PacketTooLarge },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_input_throws_protocol_exception_with_reason(string what, byte[] bytes, MqttReasonCode expected)
    {
        var ex = await Assert.ThrowsAsync<MqttProtocolException>(() => DecodeAsync(bytes, MqttProtocolVersion.V500, 64 * 1024));
        Assert.True(expected == ex.Code, $"{what}: expected {expected}, got {ex.Code} ({ex.Message})");
        Assert.Contains($"0x{(byte)expected:X2}", ex.Message);
    }

    [Fact]
    public async Task Too_large_packet_is_rejected_from_its_header_before_the_body_arrives()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0x30, 0x80, 0x80, 0x40 }); // remaining length 1 MiB, no body sent
        var decoder = new MqttPacketDecoder(MqttProtocolVersion.V500, 1000);
        var ex = await Assert.ThrowsAsync<MqttProtocolException>(async () =>
            await pipe.Reader.ReadPacketAsync(decoder, new CancellationTokenSource(5000).Token));
        Assert.Equal(MqttReasonCode.PacketTooLarge, ex.Code);
        Assert.Contains("1048580 bytes", ex.Message);
    }

    [Fact]
    public async Task Version_311_rejects_auth_and_reserved_bits()
    {
        Assert.Equal(MqttReasonCode.MalformedPacket,
            (await Assert.ThrowsAsync<MqttProtocolException>(() => DecodeAsync([0xF0, 0x00], MqttProtocolVersion.V311))).Code);
        Assert.Equal(MqttReasonCode.MalformedPacket,
            (await Assert.ThrowsAsync<MqttProtocolException>(() => DecodeAsync([0x40, 0x03, 0x00, 0x01, 0x00], MqttProtocolVersion.V311))).Code);
    }

    [Fact]
    public async Task Packets_split_across_segments_decode()
    {
        var bytes = MqttPacketEncoder.ToArray(new PublishPacket { Topic = "a/b", Payload = new byte[5000], Qos = 1, PacketId = 9, Properties = AllPublishProperties() }, MqttProtocolVersion.V500);
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 64));
        var decoder = new MqttPacketDecoder(MqttProtocolVersion.V500, 1 << 20);
        var read = pipe.Reader.ReadPacketAsync(decoder, CancellationToken.None).AsTask();
        for (int i = 0; i < bytes.Length; i += 37)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(37, bytes.Length - i)));
        }
        var p = Assert.IsType<PublishPacket>(await read.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(5000, p.Payload.Length);
        Assert.Equal(9, p.PacketId);
    }
}
