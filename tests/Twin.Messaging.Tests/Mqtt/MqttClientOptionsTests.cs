using Twin.Messaging.Mqtt;

namespace Twin.Messaging.Tests.Mqtt;

public sealed class MqttClientOptionsTests
{
    [Fact]
    public void Parses_plain_url_with_credentials()
    {
        var o = MqttClientOptions.Parse("mqtt://user:p%40ss%3Aword@broker.example:1884");
        Assert.Equal("broker.example", o.Host);
        Assert.Equal(1884, o.Port);
        Assert.Equal("user", o.Username);
        Assert.Equal("p@ss:word", o.Password);
        Assert.False(o.UseTls);
    }

    [Fact]
    public void Parses_tls_url_with_default_port_and_query()
    {
        var o = MqttClientOptions.Parse("mqtts://host?ca=/path/ca.crt&clientId=twin-1&version=3.1.1&keepAlive=15&cleanStart=false&sessionExpiry=3600&tlsHost=broker.lab");
        Assert.True(o.UseTls);
        Assert.Equal(8883, o.Port);
        Assert.Equal("/path/ca.crt", o.CaCertificateFile);
        Assert.Equal("twin-1", o.ClientId);
        Assert.Equal(MqttProtocolVersion.V311, o.ProtocolVersion);
        Assert.Equal(TimeSpan.FromSeconds(15), o.KeepAlive);
        Assert.False(o.CleanStart);
        Assert.Equal(3600u, o.SessionExpiryInterval);
        Assert.Equal("broker.lab", o.TlsTargetHost);
    }

    [Fact]
    public void Defaults_port_1883_and_accepts_ipv6()
    {
        Assert.Equal(1883, MqttClientOptions.Parse("mqtt://localhost").Port);
        var o = MqttClientOptions.Parse("mqtt://[::1]:2000");
        Assert.Equal("::1", o.Host);
        Assert.Equal(2000, o.Port);
    }

    [Theory]
    [InlineData("http://host")]
    [InlineData("host:1883")]
    [InlineData("mqtt://host?bogus=1")]
    [InlineData("mqtt://host?version=4.0")]
    [InlineData("mqtt://host?keepAlive=-1")]
    [InlineData("mqtt://host?keepAlive=70000")]
    public void Rejects_bad_urls_with_a_message(string url)
    {
        var ex = Assert.Throws<FormatException>(() => MqttClientOptions.Parse(url));
        Assert.Contains("'", ex.Message);
    }

    [Fact]
    public void ToString_never_shows_the_password()
    {
        var o = MqttClientOptions.Parse("mqtts://alice:secret@h:8883");
        Assert.DoesNotContain("secret", o.ToString());
        Assert.Contains("alice@h:8883", o.ToString());
    }

    [Fact]
    public void Validate_names_the_bad_setting()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MqttClient(new MqttClientOptions { ReceiveMaximum = 0 }));
        Assert.Contains("ReceiveMaximum", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new MqttClient(new MqttClientOptions { KeepAlive = TimeSpan.FromDays(2) }));
        Assert.Contains("KeepAlive", ex.Message);
    }
}
