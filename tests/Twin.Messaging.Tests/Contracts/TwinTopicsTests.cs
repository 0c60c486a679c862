using Twin.Messaging.Contracts;

namespace Twin.Messaging.Tests.Contracts;

public class TwinTopicsTests
{
    [Fact]
    public void Builds_and_parses_every_topic()
    {
        Assert.Equal("twin/v1/id31/cell-01/telemetry", TwinTopics.Telemetry("id31", "cell-01"));
        Assert.True(TwinTopics.TryParse(TwinTopics.State("id31", "c_7"), out var t));
        Assert.Equal(new TwinTopic(TopicKind.State, "id31", "c_7"), t);
        Assert.True(TwinTopics.TryParse(TwinTopics.Command("lab", "c1", "set-limit"), out t));
        Assert.Equal(new TwinTopic(TopicKind.Command, "lab", "c1", "set-limit"), t);
        Assert.True(TwinTopics.TryParse(TwinTopics.Status("lab", "twin-service"), out t));
        Assert.Equal(TopicKind.Status, t.Kind);
        Assert.Equal("twin/v1/+/+/alarm", TwinTopics.FilterAllCells(TopicKind.Alarm));
    }

    [Theory]
    [InlineData("twin/v2/a/b/telemetry")]
    [InlineData("twin/v1/a/b/unknown")]
    [InlineData("twin/v1/a b/c/state")]
    [InlineData("twin/v1/a/b/cmd")]
    [InlineData("other/v1/a/b/state")]
    public void Rejects_other_topics(string topic) => Assert.False(TwinTopics.TryParse(topic, out _));

    [Fact]
    public void Invalid_ids_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => TwinTopics.Telemetry("id31", "cell/1"));
        Assert.Contains("cell id 'cell/1' must match [A-Za-z0-9_-]+", e.Message);
    }
}
