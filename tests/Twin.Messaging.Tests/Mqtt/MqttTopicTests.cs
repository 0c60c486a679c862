using Twin.Messaging.Mqtt;

namespace Twin.Messaging.Tests.Mqtt;

public sealed class MqttTopicTests
{
    [Theory]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]        // '#' includes the parent level (§4.7.1.2)
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("#", "sport/tennis", true)]
    [InlineData("#", "/", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("sport/+", "sport/", true)]                                  // '+' matches an empty level
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("+/tennis/#", "sport/tennis/x", true)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("a/b/c", "a/b", false)]
    [InlineData("A/b", "a/b", false)]                                         // case-sensitive
    [InlineData("#", "$SYS/broker/uptime", false)]                          // §4.7.2
    [InlineData("+/monitor/Clients", "$SYS/monitor/Clients", false)]
    [InlineData("$SYS/#", "$SYS/monitor/Clients", true)]
    [InlineData("$SYS/monitor/+", "$SYS/monitor/Clients", true)]
    [InlineData("$share/g/twin/+/telemetry", "twin/c1/telemetry", true)]    // §4.8.2: inner filter
    [InlineData("$share/g/twin/#", "twin/c1/telemetry", true)]
    [InlineData("$share/g/#", "$SYS/x", false)]
    [InlineData("$share/g/twin/+", "other/c1", false)]
    public void Matches_follows_MQTT_5_section_4_7(string filter, string topic, bool expected) =>
        Assert.Equal(expected, MqttTopic.Matches(filter, topic));

    [Theory]
    [InlineData("a/#")]
    [InlineData("#")]
    [InlineData("+")]
    [InlineData("+/a/+")]
    [InlineData("/")]
    [InlineData("$share/group/a/+/b")]
    [InlineData("$SYS/#")]
    public void Valid_filters_pass(string filter) => MqttTopic.ValidateTopicFilter(filter);

    [Theory]
    [InlineData("")]
    [InlineData("a/#/b")]
    [InlineData("a#")]
    [InlineData("a/b#")]
    [InlineData("a+/b")]
    [InlineData("a/+b")]
    [InlineData("$share/group")]
    [InlineData("$share//a")]
    [InlineData("$share/g+/a")]
    [InlineData("$share/g/")]
    [InlineData("a\0b")]
    public void Invalid_filters_throw(string filter) =>
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateTopicFilter(filter));

    [Theory]
    [InlineData("")]
    [InlineData("a/+")]
    [InlineData("a/#")]
    [InlineData("a\0")]
    public void Invalid_topic_names_throw(string topic) =>
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateTopicName(topic));

    [Fact]
    public void Lone_surrogates_are_rejected()
    {
        // Built at run time: xunit would replace lone surrogates in serialized theory data.
        string high = "a" + (char)0xD800, low = (char)0xDC00 + "x";
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateTopicFilter(high));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateTopicName(low));
    }

    [Fact]
    public void Topic_names_longer_than_65535_utf8_bytes_throw()
    {
        MqttTopic.ValidateTopicName(new string('a', 65535));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateTopicName(new string('a', 65536)));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateTopicName(new string('é', 40000))); // 80000 bytes
    }
}
