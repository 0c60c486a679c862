using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Packets;
using Twin.Service.Broker;
using Twin.Testing;

namespace Twin.Service.Tests.Broker;

public sealed class RetainedStoreTests
{
    private static MqttApplicationMessage Message(string topic, string payload, params (string Name, string Value)[] properties)
    {
        var b = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(true)
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).WithContentType("application/json");
        foreach (var (n, v) in properties) b.WithUserProperty(n, System.Text.Encoding.UTF8.GetBytes(v).AsMemory());
        return b.Build();
    }

    [Fact]
    public void Retained_messages_come_back_with_their_properties_and_deletions_stay_deleted()
    {
        string dir = RepoPaths.TempDir("retained");
        var store = new RetainedStore(dir, NullLogger.Instance);
        Assert.Empty(store.Load());
        store.Changed(Message("twin/v1/lab/coin-1/state", """{"seq":2}""", ("twin-sig", "abc=="), ("twin-key", "twin-1")));
        store.Changed(Message("twin/v1/lab/coin-1/alarm", """{"zone":"safe"}"""));
        store.Changed(Message("twin/v1/lab/status/smu-1", "online"));
        store.Changed(new MqttApplicationMessageBuilder().WithTopic("twin/v1/lab/status/smu-1").WithRetainFlag(true).Build()); // empty payload: deleted
        Assert.True(store.Flush());
        Assert.False(store.Flush()); // nothing changed since

        var loaded = new RetainedStore(dir, NullLogger.Instance).Load();
        Assert.Equal(["twin/v1/lab/coin-1/alarm", "twin/v1/lab/coin-1/state"], loaded.Select(m => m.Topic));
        var state = loaded[1];
        Assert.Equal("""{"seq":2}""", System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(state.Payload)));
        Assert.Equal("application/json", state.ContentType);
        Assert.Equal(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce, state.QualityOfServiceLevel);
        Assert.Equal([("twin-sig", "abc=="), ("twin-key", "twin-1")], state.UserProperties.Select(p => (p.Name, p.ReadValueAsString())));
    }

    [Fact]
    public void A_damaged_file_is_set_aside_and_the_broker_starts_empty()
    {
        string dir = RepoPaths.TempDir("retained-damaged");
        File.WriteAllText(Path.Combine(dir, "retained.json"), """{"schema":1,"retained":[{"topic":"a","qos":1,"payload":"not base64!"}""");
        var store = new RetainedStore(dir, NullLogger.Instance);
        Assert.Empty(store.Load());
        Assert.True(File.Exists(Path.Combine(dir, "retained.json.corrupt")));
        Assert.False(File.Exists(Path.Combine(dir, "retained.json")));

        File.WriteAllText(Path.Combine(dir, "retained.json"), """{"schema":1,"retained":[{"topic":"a","qos":7,"payload":"AA=="}]}""");
        Assert.Empty(store.Load()); // QoS 7 does not exist
    }
}
