using System.Text;
using Twin.Storage.Influx;
using Twin.Storage.LineProtocol;

namespace Twin.Storage.Tests.Influx;

public class InfluxEndpointTests
{
    [Fact]
    public void Parses_a_v1_url_with_database_retention_policy_and_user()
    {
        var e = InfluxEndpoint.Parse("http://admin:s%40cret@db.example:8086/write?db=twin&rp=one_week");
        Assert.Equal(InfluxWriteApi.V1, e.Api);
        Assert.Equal("twin", e.Database);
        Assert.Equal("one_week", e.RetentionPolicy);
        Assert.Equal("admin", e.Username);
        Assert.Equal("http://db.example:8086/write?db=twin&rp=one_week&precision=u", e.GetWriteUri(TimestampPrecision.Microseconds).AbsoluteUri);
        var auth = e.GetAuthorization()!;
        Assert.Equal("Basic", auth.Scheme);
        Assert.Equal("admin:s@cret", Encoding.UTF8.GetString(Convert.FromBase64String(auth.Parameter!)));
        Assert.DoesNotContain("cret", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parses_a_base_url_with_db_and_keeps_a_proxy_prefix()
    {
        var e = InfluxEndpoint.Parse("https://proxy.lab/influx/?db=twin&u=bob&p=pw");
        Assert.Equal("https://proxy.lab/influx/write?db=twin&precision=ns", e.GetWriteUri(TimestampPrecision.Nanoseconds).AbsoluteUri);
        Assert.Equal("bob", e.Username);
    }

    [Fact]
    public void Parses_a_v2_url_with_token()
    {
        var e = InfluxEndpoint.Parse("http://127.0.0.1:8086/api/v2/write?org=my%20lab&bucket=twin/autogen", token: "tok==");
        Assert.Equal(InfluxWriteApi.V2, e.Api);
        Assert.Equal("my lab", e.Organization);
        Assert.Equal("twin/autogen", e.Bucket);
        Assert.Equal("http://127.0.0.1:8086/api/v2/write?org=my%20lab&bucket=twin%2Fautogen&precision=ms",
            e.GetWriteUri(TimestampPrecision.Milliseconds).AbsoluteUri);
        Assert.Equal("Token tok==", e.GetAuthorization()!.ToString());
        Assert.DoesNotContain("tok==", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Builds_from_options_with_a_token_for_the_v1_compatibility_api()
    {
        var e = InfluxEndpoint.FromOptions(new InfluxOptions { Url = "http://h:8181", Database = "twin", Token = "apiv3_x" });
        Assert.Equal(InfluxWriteApi.V1, e.Api);
        Assert.Equal("Token apiv3_x", e.GetAuthorization()!.ToString());
        Assert.Equal("http://h:8181/write?db=twin&precision=s", e.GetWriteUri(TimestampPrecision.Seconds).AbsoluteUri);
    }

    [Theory]
    [InlineData("ftp://h/?db=x", "not an absolute http")]
    [InlineData("h:8086?db=x", "not an absolute http")]
    [InlineData("http://h:8086", "names no database")]
    [InlineData("http://h:8086/?db=x&dbx=1", "unknown parameter 'dbx'")]
    [InlineData("http://h:8086/api/v2/write?org=o", "needs a bucket")]
    [InlineData("http://h:8086/api/v2/write?org=o&bucket=b", "needs a token")]
    [InlineData("http://u:p@h:8086/?db=x&token=t", "either a username")]
    public void Rejects_incomplete_urls_with_a_clear_message(string url, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => InfluxEndpoint.Parse(url));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
