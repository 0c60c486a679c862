using Twin.Messaging.Bus;

namespace Twin.Messaging.Tests.Bus;

public class TopicFilterTests
{
    [Theory]
    [InlineData("twin/v1/+/+/telemetry", "twin/v1/lab/c1/telemetry", true)]
    [InlineData("twin/v1/#", "twin/v1/lab/c1/telemetry", true)]
    [InlineData("twin/v1/#", "twin/v1", true)]
    [InlineData("twin/+/lab", "twin/v1/lab/c1", false)]
    [InlineData("#", "$SYS/broker/uptime", false)]
    [InlineData("+/broker/uptime", "$SYS/broker/uptime", false)]
    [InlineData("$SYS/#", "$SYS/broker/uptime", true)]
    [InlineData("$share/g/twin/v1/+/c1/state", "twin/v1/lab/c1/state", true)]
    [InlineData("a/+", "a/", true)]
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("+", "a", true)]
    public void Matches_as_mqtt_5_says(string filter, string topic, bool expected) => Assert.Equal(expected, TopicFilter.Matches(filter, topic));

    [Theory]
    [InlineData("a/#/b")]
    [InlineData("a/b#")]
    [InlineData("a+/b")]
    [InlineData("$share/g+/a")]
    [InlineData("$share/g")]
    [InlineData("")]
    public void Invalid_filters_are_rejected(string filter) => Assert.Throws<ArgumentException>(() => TopicFilter.ValidateFilter(filter));

    [Theory]
    [InlineData("a/+/b")]
    [InlineData("a/#")]
    [InlineData("")]
    public void Wildcards_are_not_topic_names(string topic) => Assert.Throws<ArgumentException>(() => TopicFilter.ValidateTopicName(topic));
}
