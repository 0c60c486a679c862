using System.IO.Pipelines;
using System.Text;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Mqtt.Codec;
using Twin.Messaging.Mqtt.Packets;
using Xunit.Abstractions;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>
/// Feeds the decoder, through a real <see cref="Pipe"/>, hundreds of thousands of random and mutated packets: it must
/// decode or throw <see cref="MqttProtocolException"/> with a reason code — no other exception, no hang, and no
/// allocation driven by a claimed length.
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    private static List<byte[]> Corpus(MqttProtocolVersion v)
    {
        bool v5 = v == MqttProtocolVersion.V500;
        var props = v5 ? new MqttProperties
        {
            PayloadFormatIndicator = 1, MessageExpiryInterval = 60, ContentType = "application/json", ResponseTopic = "r/t",
            CorrelationData = [1, 2], SubscriptionIdentifiers = [3, 200_000], TopicAlias = 2, UserProperties = [new("k", "v")],
        } : MqttProperties.Empty;
        var reason = v5 ? new MqttProperties { ReasonString = "because", UserProperties = [new("a", "b")] } : MqttProperties.Empty;
        MqttPacket[] packets =
        [
            new ConnectPacket
            {
                ProtocolVersion = v, ClientId = "c", CleanStart = true, KeepAliveSeconds = 10, Username = "u", Password = [1],
                Will = new MqttWill { Topic = "w", Payload = new byte[] { 1, 2 }, Qos = 1, Retain = true, Properties = v5 ? new MqttProperties { WillDelayInterval = 1 } : new MqttProperties() },
                Properties = v5 ? new MqttProperties { SessionExpiryInterval = 9, ReceiveMaximum = 5, MaximumPacketSize = 999 } : new MqttProperties(),
            },
            new ConnAckPacket
            {
                SessionPresent = true,
                Properties = v5 ? new MqttProperties { AssignedClientIdentifier = "x", ReceiveMaximum = 20, MaximumQos = 1, RetainAvailable = 1, ServerKeepAlive = 5 } : new MqttProperties(),
            },
            new PublishPacket { Topic = "twin/v1/lab/c1/telemetry", Payload = Encoding.UTF8.GetBytes("{\"voltage_V\":4.1}"), Qos = 1, PacketId = 10, Properties = props },
            new PublishPacket { Topic = "a", Payload = new byte[40], Qos = 0 },
            new PublishPacket { Topic = "a/b", Payload = new byte[3], Qos = 2, Dup = true, Retain = true, PacketId = 65000, Properties = props },
            new PubAckPacket { PacketId = 1, ReasonCode = v5 ? MqttReasonCode.QuotaExceeded : MqttReasonCode.Success, Properties = reason },
            new PubAckPacket { PacketId = 2 },
            new PubRecPacket { PacketId = 3, Properties = reason },
            new PubRelPacket { PacketId = 4 },
            new PubCompPacket { PacketId = 5, ReasonCode = v5 ? MqttReasonCode.PacketIdentifierNotFound : MqttReasonCode.Success },
            new SubscribePacket { PacketId = 6, Properties = v5 ? new MqttProperties { SubscriptionIdentifiers = [7] } : MqttProperties.Empty, Subscriptions = [new("a/+/c", 1), new("#", 2)] },
            new SubAckPacket { PacketId = 6, Properties = reason, ReasonCodes = [MqttReasonCode.GrantedQos1, MqttReasonCode.UnspecifiedError] },
            new UnsubscribePacket { PacketId = 8, Filters = ["a/+/c"] },
            new UnsubAckPacket { PacketId = 8, Properties = reason, ReasonCodes = v5 ? [MqttReasonCode.NoSubscriptionExisted] : [] },
            PingReqPacket.Instance,
            PingRespPacket.Instance,
            new DisconnectPacket { ReasonCode = v5 ? MqttReasonCode.ServerShuttingDown : MqttReasonCode.Success, Properties = v5 ? new MqttProperties { ReasonString = "bye", ServerReference = "s" } : MqttProperties.Empty },
        ];
        var list = packets.Select(p => MqttPacketEncoder.ToArray(p, v)).ToList();
        if (v5) list.Add(MqttPacketEncoder.ToArray(new AuthPacket { ReasonCode = MqttReasonCode.ContinueAuthentication, Properties = new MqttProperties { AuthenticationMethod = "m" } }, v));
        return list;
    }

    private static byte[] Mutate(Random rng, List<byte[]> corpus)
    {
        byte[] Pick() => corpus[rng.Next(corpus.Count)];
        switch (rng.Next(9))
        {
            case 0: // pure noise
                var noise = new byte[rng.Next(0, 64)];
                rng.NextBytes(noise);
                return noise;
            case 1: // truncate
                var t = Pick();
                return t[..rng.Next(0, t.Length)];
            case 2: // bad remaining length bytes
                {
                    var b = (byte[])Pick().Clone();
                    int n = Math.Min(4, b.Length - 1);
                    for (int i = 1; i <= n; i++) if (rng.Next(2) == 0) b[i] = (byte)rng.Next(256);
                    return b;
                }
            case 3: // insert random bytes
                {
                    var b = Pick().ToList();
                    int count = rng.Next(1, 6);
                    for (int i = 0; i < count; i++) b.Insert(rng.Next(b.Count + 1), (byte)rng.Next(256));
                    return [.. b];
                }
            case 4: // delete bytes (keeps the remaining length: a lying length)
                {
                    var b = Pick().ToList();
                    int count = Math.Min(b.Count, rng.Next(1, 4));
                    for (int i = 0; i < count; i++) b.RemoveAt(rng.Next(b.Count));
                    return [.. b];
                }
            case 5: // two packets back to back, one mutated
                return [.. Pick(), .. FlipBytes(rng, Pick())];
            case 6: // fixed header type/flags
                {
                    var b = (byte[])Pick().Clone();
                    b[0] = (byte)rng.Next(256);
                    return b;
                }
            default: // flip 1–4 bytes
                return FlipBytes(rng, Pick());
        }
    }

    private static byte[] FlipBytes(Random rng, byte[] source)
    {
        var b = (byte[])source.Clone();
        int count = rng.Next(1, 5);
        for (int i = 0; i < count && b.Length > 0; i++)
        {
            int at = rng.Next(b.Length);
            b[at] = rng.Next(3) == 0 ? (byte)(b[at] ^ (1 << rng.Next(8))) : (byte)rng.Next(256);
        }
        return b;
    }

    [Fact]
    public async Task Random_and_mutated_packets_decode_or_throw_protocol_exception()
    {
        const int cases = 300_000;
        var rng = new Random(20241121);
        var corpora = new Dictionary<MqttProtocolVersion, List<byte[]>>
        {
            [MqttProtocolVersion.V500] = Corpus(MqttProtocolVersion.V500),
            [MqttProtocolVersion.V311] = Corpus(MqttProtocolVersion.V311),
        };
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var reasons = new Dictionary<MqttReasonCode, int>();
        int decodedPackets = 0;
        long maxAllocated = 0;
        var started = DateTime.UtcNow;
        for (int i = 0; i < cases; i++)
        {
            var version = i % 3 == 0 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500;
            var input = Mutate(rng, corpora[version]);
            // Half the cases allow the largest possible packet, so lying lengths are not cut short by the size limit:
            // the decoder must wait for the bytes instead of allocating the claimed size.
            int max = i % 2 == 0 ? 268_435_460 : 512;
            var decoder = new MqttPacketDecoder(version, max);
            long before = GC.GetAllocatedBytesForCurrentThread();
            await pipe.Writer.WriteAsync(input);
            await pipe.Writer.CompleteAsync();
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                for (int guard = 0; guard < 100; guard++)
                {
                    var packet = await pipe.Reader.ReadPacketAsync(decoder, cts.Token);
                    if (packet is null) break;
                    decodedPackets++;
                }
            }
            catch (MqttProtocolException ex)
            {
                Assert.True((byte)ex.Code >= 0x80, $"reason code {ex.Code} is not an error code");
                reasons[ex.Code] = reasons.GetValueOrDefault(ex.Code) + 1;
            }
            catch (Exception ex)
            {
                Assert.Fail($"case {i} ({version}, max {max}): {ex.GetType().Name}: {ex.Message}\ninput: {Convert.ToHexString(input)}\n{ex.StackTrace}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxAllocated = Math.Max(maxAllocated, allocated);
            Assert.True(allocated < 256 * 1024, $"case {i}: {allocated} bytes allocated for {input.Length} input bytes: {Convert.ToHexString(input)}");
            await pipe.Reader.CompleteAsync();
            pipe.Reset();
        }
        var elapsed = DateTime.UtcNow - started;
        output.WriteLine($"{cases} cases in {elapsed.TotalSeconds:0.0} s: {decodedPackets} packets decoded; max {maxAllocated} bytes allocated per case");
        foreach (var (code, n) in reasons.OrderByDescending(kv => kv.Value))
            output.WriteLine($"  {MqttReasonCodes.Describe(code)}: {n}");
        Assert.True(reasons.ContainsKey(MqttReasonCode.MalformedPacket));
        Assert.True(reasons.ContainsKey(MqttReasonCode.ProtocolError));
        Assert.True(reasons.ContainsKey(MqttReasonCode.PacketTooLarge));
        Assert.True(decodedPackets > cases / 20, "the mutations should leave many packets decodable");
    }

    [Fact]
    public async Task A_stream_of_valid_packets_in_random_chunks_decodes_completely()
    {
        var rng = new Random(7);
        var corpus = Corpus(MqttProtocolVersion.V500);
        var expected = Enumerable.Range(0, 2000).Select(_ => corpus[rng.Next(corpus.Count)]).ToList();
        var bytes = expected.SelectMany(b => b).ToArray();
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 128));
        var writer = Task.Run(async () =>
        {
            for (int at = 0; at < bytes.Length;)
            {
                int n = Math.Min(bytes.Length - at, rng.Next(1, 300));
                await pipe.Writer.WriteAsync(bytes.AsMemory(at, n));
                at += n;
            }
            await pipe.Writer.CompleteAsync();
        });
        var decoder = new MqttPacketDecoder(MqttProtocolVersion.V500, 1 << 20);
        int count = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await pipe.Reader.ReadPacketAsync(decoder, cts.Token) is { } packet)
        {
            Assert.Equal(expected[count], MqttPacketEncoder.ToArray(packet, MqttProtocolVersion.V500));
            count++;
        }
        await writer;
        Assert.Equal(expected.Count, count);
    }
}
