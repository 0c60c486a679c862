using System.Text;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Tests.Support;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>MQTT 3.1.1 fallback when the broker refuses MQTT 5, then real traffic with Mosquitto over 3.1.1.</summary>
public sealed class ProtocolFallbackTests(BrokerFixture fixture, ITestOutputHelper output) : IClassFixture<BrokerFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Falls_back_to_311_and_interoperates(bool refuseWithV5Connack)
    {
        var broker = fixture.Broker;
        await using var proxy = new Mqtt311OnlyProxy(broker.Port, refuseWithV5Connack);
        var options = TestClients.Options(broker, $"fallback-{refuseWithV5Connack}", output) with { Port = proxy.Port };
        await using var client = await MqttClient.ConnectNewAsync(options);
        Assert.Equal(MqttProtocolVersion.V311, client.ProtocolVersion);
        Assert.Equal(MqttProtocolVersion.V311, client.ConnectResult!.ProtocolVersion);
        Assert.Equal(1, proxy.Refused);

        string topic = $"fallback/{refuseWithV5Connack}";
        await using var sub = MosquittoClients.Subscribe(broker, ["-V", "mqttv311", "-t", topic + "/out", "-q", "1", "-F", "MSG|%p"]);
        await sub.WaitSubscribedAsync();
        var collector = new MessageCollector();
        await using var s = await client.SubscribeAsync(topic + "/in", QualityOfService.ExactlyOnce, collector.Handle);

        // Properties MQTT 3.1.1 cannot carry are dropped, not an error.
        await client.PublishAsync(new BusMessage(topic + "/out", Encoding.UTF8.GetBytes("over 3.1.1"), QualityOfService.ExactlyOnce) { ContentType = "text/plain" });
        Assert.Equal(["over 3.1.1"], await sub.WaitForMessagesAsync(1));
        Assert.Equal(0, (await MosquittoClients.PublishAsync(broker, ["-V", "mqttv311", "-t", topic + "/in", "-q", "2", "-m", "back"])).ExitCode);
        Assert.Equal(["back"], (await collector.WaitForAsync(1)).Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
        Assert.Null(collector.Messages[0].ContentType);
    }

    [Fact]
    public async Task Without_fallback_the_refusal_is_reported()
    {
        await using var proxy = new Mqtt311OnlyProxy(fixture.Broker.Port, answerAsV5: false);
        var options = TestClients.Options(fixture.Broker, "no-fallback", output) with { Port = proxy.Port, AllowProtocolFallback = false };
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(options));
        Assert.Equal(MqttReasonCode.UnsupportedProtocolVersion, ex.ReasonCode);
        Assert.Contains("0x84 Unsupported Protocol Version", ex.Message);
    }
}
