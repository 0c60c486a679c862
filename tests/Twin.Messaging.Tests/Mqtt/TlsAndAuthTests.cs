using System.Text;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Tests.Support;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;
using Twin.Testing.Logging;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>A Mosquitto with a TLS listener (test CA), a password file and an ACL.</summary>
public sealed class TlsBrokerFixture : IAsyncLifetime
{
    /// <summary>The broker.</summary>
    public MosquittoBroker Broker { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
    {
        Tls = true,
        Users = new Dictionary<string, string> { ["twin"] = "s3cret:with@chars", ["limited"] = "pw2" },
        Acl = "user twin\ntopic readwrite #\n\nuser limited\ntopic readwrite allowed/#\n",
    });

    /// <inheritdoc />
    public async Task DisposeAsync() => await Broker.DisposeAsync();
}

public sealed class TlsAndAuthTests(TlsBrokerFixture fixture, ITestOutputHelper output) : IClassFixture<TlsBrokerFixture>
{
    private MosquittoBroker Broker => fixture.Broker;

    private MqttClientOptions Tls(string clientId, MqttProtocolVersion v = MqttProtocolVersion.V500) => new()
    {
        Host = Broker.Host, Port = Broker.TlsPort, UseTls = true, CaCertificateFile = Broker.CaCertificateFile,
        Username = "twin", Password = "s3cret:with@chars", ClientId = clientId, ProtocolVersion = v, Logger = LineLogger.To(TestClients.LogTo(output)),
    };

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Tls_with_username_and_password_publishes_and_receives(MqttProtocolVersion v)
    {
        await using var client = await MqttClient.ConnectNewAsync(Tls($"tls-{v}", v));
        Assert.Equal(v, client.ProtocolVersion);
        string topic = $"tls/{v}";
        await using var sub = MosquittoClients.Subscribe(Broker, ["-V", TestClients.CliVersion(v), "-u", "twin", "-P", "s3cret:with@chars", "-t", topic, "-q", "1", "-F", "MSG|%p"]);
        await sub.WaitSubscribedAsync();
        var collector = new MessageCollector();
        await using var s = await client.SubscribeAsync(topic, QualityOfService.AtLeastOnce, collector.Handle);
        await client.PublishAsync(new BusMessage(topic, Encoding.UTF8.GetBytes("encrypted")));
        Assert.Equal(["encrypted"], await sub.WaitForMessagesAsync(1));
        Assert.Equal(["encrypted"], (await collector.WaitForAsync(1)).Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
    }

    [Fact]
    public async Task Url_with_credentials_and_ca_connects()
    {
        string url = $"mqtts://twin:{Uri.EscapeDataString("s3cret:with@chars")}@localhost:{Broker.TlsPort}?ca={Uri.EscapeDataString(Broker.CaCertificateFile!)}&clientId=url-client";
        var options = MqttClientOptions.Parse(url) with { Logger = LineLogger.To(TestClients.LogTo(output)) };
        await using var client = await MqttClient.ConnectNewAsync(options);
        Assert.True(client.IsConnected);
        Assert.Equal("url-client", client.ClientId);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Wrong_password_is_rejected_with_a_clear_error(MqttProtocolVersion v)
    {
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(Tls($"badpw-{v}", v) with { Password = "wrong" }));
        output.WriteLine(ex.Message);
        Assert.Contains($"MQTT broker {Broker.Host}:{Broker.TlsPort} refused the connection", ex.Message);
        Assert.True(ex.ReasonCode is MqttReasonCode.BadUserNameOrPassword or MqttReasonCode.NotAuthorized, ex.Message);
        Assert.Contains(ex.ReasonCode == MqttReasonCode.NotAuthorized ? "0x87 Not authorized" : "0x86 Bad User Name or Password", ex.Message);
    }

    [Fact]
    public async Task Anonymous_client_is_refused()
    {
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(Tls("anon") with { Username = null, Password = null }));
        Assert.NotNull(ex.ReasonCode);
        Assert.Contains("refused the connection", ex.Message);
    }

    [Fact]
    public async Task Untrusted_ca_is_rejected_with_a_clear_error()
    {
        string dir = Path.Combine(Broker.Directory, "other-ca");
        Directory.CreateDirectory(dir);
        string otherCa = await TestCertificates.CreateCertificateAuthorityAsync(dir, "other");
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(Tls("untrusted") with { CaCertificateFile = otherCa }));
        output.WriteLine(ex.Message);
        Assert.Contains("TLS handshake", ex.Message);
        Assert.Contains($"does not chain to the CA in '{otherCa}'", ex.Message);
        Assert.Null(ex.ReasonCode);
    }

    [Fact]
    public async Task Certificate_for_another_host_is_rejected()
    {
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(Tls("wronghost") with { TlsTargetHost = "broker.example" }));
        Assert.Contains("not issued for 'broker.example'", ex.Message);
    }

    [Fact]
    public async Task Tls_to_the_plain_port_fails_instead_of_hanging()
    {
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => MqttClient.ConnectNewAsync(Tls("plainport") with { Port = Broker.Port, ConnectTimeout = TimeSpan.FromSeconds(3) }));
        Assert.Contains("TLS handshake", ex.Message);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Acl_refusal_of_a_publication_is_reported_with_its_reason_code(MqttProtocolVersion v)
    {
        await using var client = await MqttClient.ConnectNewAsync(Tls($"limited-{v}", v) with { Username = "limited", Password = "pw2" });
        var ok = new MessageCollector();
        await using var allowed = await client.SubscribeAsync("#", QualityOfService.AtLeastOnce, ok.Handle);
        var denied = client.PublishAsync(new BusMessage("secret/x", Encoding.UTF8.GetBytes("no")));
        if (v == MqttProtocolVersion.V500)
        {
            // Mosquitto answers PUBACK 0x87 (MQTT 5.0 §3.4.2.1); the publisher sees why.
            var ex = await Assert.ThrowsAsync<MqttException>(async () => await denied);
            output.WriteLine(ex.Message);
            Assert.Equal(MqttReasonCode.NotAuthorized, ex.ReasonCode);
            Assert.Contains("rejected the message to 'secret/x': 0x87 Not authorized", ex.Message);
        }
        else
        {
            await denied; // MQTT 3.1.1 has no way to say no: the broker acknowledges and drops it
        }
        await client.PublishAsync(new BusMessage("allowed/x", Encoding.UTF8.GetBytes("fine")));
        // The refused message was sent first on the same connection: had the broker forwarded it, it would have come first.
        await ok.WaitForAsync(1);
        Assert.Equal(["allowed/x"], ok.Messages.Select(m => m.Topic));
        Assert.True(client.IsConnected);
    }
}
