using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Service.Broker;
using Twin.Service.Security;
using Twin.Testing;
using Twin.Testing.Mosquitto;

namespace Twin.Service.Tests.Broker;

/// <summary>The embedded broker with the product's own MQTT client on a port of the test's own: the PUBACK waits for the
/// ingest, a publication the ingest could not store is sent again, and nobody but the service connects before the twin runs.</summary>
public sealed class EmbeddedBrokerTests
{
    private static readonly (string Token, string Hash) Smu = ApiTokens.Create();

    private sealed class Rig : IAsyncDisposable
    {
        public required EmbeddedBroker Broker { get; init; }
        public required int Port { get; init; }
        public volatile bool Ready;
        public int IngestCalls;
        public int FailuresLeft;
        public readonly List<string> Stored = [];

        public static async Task<Rig> StartAsync(int failures = 0, bool ready = true)
        {
            int port = MosquittoBroker.FreePort();
            Rig? rig = null;
            var access = new AccessConfig([]) { Tokens = [new ApiToken("smu-1", ["coin-1"], Smu.Hash)] };
            var broker = new EmbeddedBroker(new BrokerListen(System.Net.IPAddress.Loopback, port), new BrokerAccess(access, "twin-service", "pw", loopbackOnly: true),
                new RetainedStore(RepoPaths.TempDir("embedded-broker"), NullLogger.Instance), new HashSet<string> { "twin-service", "twin-service-pub" },
                () => rig!.Ready, (topic, m, ct) =>
                {
                    Interlocked.Increment(ref rig!.IngestCalls);
                    if (Interlocked.Decrement(ref rig.FailuresLeft) >= 0) throw new IOException("store unavailable (test)");
                    lock (rig.Stored) rig.Stored.Add(Encoding.UTF8.GetString(m.Payload.Span));
                    return Task.FromResult(true);
                }, NullLogger.Instance);
            rig = new Rig { Broker = broker, Port = port, Ready = ready, FailuresLeft = failures };
            await broker.StartAsync(CancellationToken.None);
            return rig;
        }

        public MqttClient Client(string user, string password, string clientId) => new(new MqttClientOptions
        {
            Host = "127.0.0.1", Port = Port, ClientId = clientId, Username = user, Password = password,
            CleanStart = false, SessionExpiryInterval = 3600, ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
        });

        public ValueTask DisposeAsync() => Broker.DisposeAsync();
    }

    [Fact]
    public async Task The_puback_waits_for_the_ingest_and_a_publication_it_could_not_store_is_sent_again()
    {
        await using var rig = await Rig.StartAsync(failures: 1);
        await using var smu = rig.Client("smu-1", Smu.Token, "smu-1");
        await smu.ConnectAsync();
        await smu.PublishAsync(new BusMessage("twin/v1/lab/coin-1/telemetry", Encoding.UTF8.GetBytes("sample-1"))).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        // acknowledged only after the second attempt was stored: the first closed the connection without PUBACK
        Assert.Equal(2, rig.IngestCalls);
        Assert.Equal(["sample-1"], rig.Stored);
        Assert.True(smu.Reconnects >= 1, "the publisher reconnected");
    }

    [Fact]
    public async Task Before_the_twin_runs_only_the_service_connects_and_nobody_else_takes_its_client_id()
    {
        await using var rig = await Rig.StartAsync(ready: false);
        await using (var early = rig.Client("smu-1", Smu.Token, "smu-1"))
        {
            var e = await Assert.ThrowsAsync<MqttConnectException>(() => early.ConnectAsync());
            Assert.Equal(MqttReasonCode.ServerUnavailable, e.ReasonCode);
        }
        await using (var service = rig.Client("twin-service", "pw", "twin-service"))
            await service.ConnectAsync();
        rig.Ready = true;
        await using (var thief = rig.Client("smu-1", Smu.Token, "twin-service"))
        {
            var e = await Assert.ThrowsAsync<MqttConnectException>(() => thief.ConnectAsync());
            Assert.Equal(MqttReasonCode.ClientIdentifierNotValid, e.ReasonCode);
        }
        await using (var wrong = rig.Client("smu-1", ApiTokens.Create().Token, "smu-1"))
        {
            var e = await Assert.ThrowsAsync<MqttConnectException>(() => wrong.ConnectAsync());
            Assert.Equal(MqttReasonCode.BadUserNameOrPassword, e.ReasonCode);
        }
        await using var late = rig.Client("smu-1", Smu.Token, "smu-1");
        await late.ConnectAsync();
        Assert.Equal(3, rig.Broker.RefusedConnections);
    }
}
