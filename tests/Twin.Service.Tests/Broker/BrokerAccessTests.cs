using System.Net;
using System.Text;
using Twin.Service.Broker;
using Twin.Service.Security;

namespace Twin.Service.Tests.Broker;

public sealed class BrokerAccessTests
{
    private static readonly (string Token, string Hash) Smu = ApiTokens.Create();
    private static readonly AccessConfig Access = new([
        new UserAccount("olga", TwinRoles.Operator, PasswordHashing.Hash("olga-password")),
        new UserAccount("victor", TwinRoles.Viewer, PasswordHashing.Hash("victor-password")),
    ]) { Tokens = [new ApiToken("smu-1", ["coin-1", "lab/coin-2"], Smu.Hash)] };

    private static BrokerAccess Rules(bool loopback = true, AccessConfig? access = null) => new(access ?? Access, "twin-service", "s3cret-made-at-start", loopback);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Each_credential_gives_its_kind_and_wrong_ones_none()
    {
        var rules = Rules();
        Assert.Equal(BrokerClientKind.Service, rules.Authenticate("twin-service", Utf8("s3cret-made-at-start"))!.Kind);
        Assert.Null(rules.Authenticate("twin-service", Utf8("guess")));
        var smu = rules.Authenticate("smu-1", Utf8(Smu.Token));
        Assert.Equal(BrokerClientKind.Instrument, smu!.Kind);
        Assert.Equal("smu-1", smu.Token!.Name);
        Assert.Null(rules.Authenticate("smu-2", Utf8(Smu.Token))); // the token's name must be the user name
        Assert.Null(rules.Authenticate("smu-1", Utf8(ApiTokens.Create().Token)));
        Assert.Equal(BrokerClientKind.Operator, rules.Authenticate("olga", Utf8("olga-password"))!.Kind);
        Assert.Equal(BrokerClientKind.Viewer, rules.Authenticate("victor", Utf8("victor-password"))!.Kind);
        Assert.Null(rules.Authenticate("olga", Utf8("victor-password")));
        Assert.Null(rules.Authenticate("olga", null));
        Assert.Null(rules.Authenticate("olga", [0xff, 0xfe])); // not UTF-8
    }

    [Fact]
    public void Anonymous_clients_only_read_and_only_on_loopback_with_anonymous_read_on()
    {
        Assert.Null(Rules().Authenticate(null, null)); // anonymous read is off by default
        var open = Access with { AnonymousRead = true };
        Assert.Equal(BrokerClientKind.Anonymous, Rules(loopback: true, open).Authenticate("", null)!.Kind);
        Assert.Null(Rules(loopback: false, open).Authenticate("", null));
        var anonymous = new BrokerClient(BrokerClientKind.Anonymous, "");
        Assert.NotNull(BrokerAccess.MayPublish(anonymous, "x", "twin/v1/lab/coin-1/telemetry"));
    }

    [Theory]
    [InlineData("twin/v1/lab/coin-1/telemetry", true)]
    [InlineData("twin/v1/lab/coin-1/pattern", true)]
    [InlineData("twin/v1/lab/coin-1/event", true)]
    [InlineData("twin/v1/lab/coin-2/telemetry", true)]   // listed as lab/coin-2
    [InlineData("twin/v1/other/coin-2/telemetry", false)] // another site's coin-2
    [InlineData("twin/v1/lab/coin-3/telemetry", false)]
    [InlineData("twin/v1/lab/coin-1/state", false)]
    [InlineData("twin/v1/lab/coin-1/alarm", false)]
    [InlineData("twin/v1/lab/coin-1/cmd/abort", false)]
    [InlineData("twin/v1/lab/status/smu-1", true)]        // its own status (client id smu-1)
    [InlineData("twin/v1/lab/status/twin-service", false)]
    [InlineData("twin/v1/lab/coin-1/reply/olga-cli", true)] // replies to commands
    public void An_instrument_publishes_its_cells_measurements_and_nothing_of_the_twin(string topic, bool allowed)
    {
        var smu = Rules().Authenticate("smu-1", Utf8(Smu.Token))!;
        Assert.Equal(allowed, BrokerAccess.MayPublish(smu, "smu-1", topic) is null);
    }

    [Fact]
    public void Operators_send_commands_viewers_nothing_the_service_everything()
    {
        var olga = new BrokerClient(BrokerClientKind.Operator, "olga");
        Assert.Null(BrokerAccess.MayPublish(olga, "olga-cli", "twin/v1/lab/coin-1/cmd/abort"));
        Assert.NotNull(BrokerAccess.MayPublish(olga, "olga-cli", "twin/v1/lab/coin-1/telemetry"));
        Assert.NotNull(BrokerAccess.MayPublish(olga, "olga-cli", "twin/v1/lab/coin-1/state"));
        var victor = new BrokerClient(BrokerClientKind.Viewer, "victor");
        Assert.Contains("may read but not publish", BrokerAccess.MayPublish(victor, "v", "twin/v1/lab/coin-1/cmd/abort"), StringComparison.Ordinal);
        var service = new BrokerClient(BrokerClientKind.Service, "twin-service");
        Assert.Null(BrokerAccess.MayPublish(service, "twin-service-pub", "twin/v1/lab/coin-1/state"));
    }

    [Theory]
    [InlineData("127.0.0.1:1883", "127.0.0.1", 1883, true)]
    [InlineData("0.0.0.0:18830", "0.0.0.0", 18830, false)]
    [InlineData("[::1]:1883", "::1", 1883, true)]
    [InlineData(" none ", null, 0, false)]
    [InlineData("NONE", null, 0, false)]
    public void Listen_addresses_parse(string text, string? address, int port, bool loopback)
    {
        var listen = BrokerListen.Parse(text);
        if (address is null)
        {
            Assert.Null(listen);
            return;
        }
        Assert.Equal(IPAddress.Parse(address), listen!.Address);
        Assert.Equal(port, listen.Port);
        Assert.Equal(loopback, listen.IsLoopback);
    }

    [Theory]
    [InlineData("1883")]
    [InlineData("localhost:1883")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("::1:1883")]
    public void Bad_listen_addresses_are_named_with_what_was_expected(string text)
    {
        var e = Assert.Throws<FormatException>(() => BrokerListen.Parse(text));
        Assert.Contains($"--mqtt-listen '{text}': expected ADDR:PORT", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wildcard_listener_is_reached_on_loopback()
    {
        Assert.Equal(IPAddress.Loopback, BrokerListen.Parse("0.0.0.0:1883")!.ConnectAddress);
        Assert.Equal(IPAddress.Parse("192.168.1.5"), BrokerListen.Parse("192.168.1.5:1883")!.ConnectAddress);
    }
}
