using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt;

/// <summary>
/// Topic checks the MQTT client needs on top of <see cref="TopicFilter"/> (which holds the matching rules of MQTT 5.0
/// §4.7 and §4.8.2 for every bus): strings must also be well-formed UTF-16 and fit 65535 bytes of UTF-8 (§1.5.4).
/// </summary>
internal static class MqttTopic
{
    /// <summary>Checks a topic name for PUBLISH (MQTT 5.0 §4.7.3, §3.3.2.1, §1.5.4).</summary>
    /// <exception cref="ArgumentException">Not a valid topic name; the message says why.</exception>
    public static void ValidateTopicName(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        TopicFilter.ValidateTopicName(topic);
        MqttBufferWriter.Utf8Size(topic, "topic name");
    }

    /// <summary>Checks a topic filter for SUBSCRIBE (MQTT 5.0 §4.7.1, §4.8.2, §1.5.4).</summary>
    /// <exception cref="ArgumentException">Not a valid topic filter; the message says why.</exception>
    public static void ValidateTopicFilter(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        TopicFilter.ValidateFilter(filter);
        MqttBufferWriter.Utf8Size(filter, "topic filter");
    }

    /// <summary>Whether <paramref name="filter"/> is <c>$share/{group}/{filter}</c> (MQTT 5.0 §4.8.2).</summary>
    public static bool IsShared(string filter)
    {
        TopicFilter.Inner(filter, out var group);
        return group is not null;
    }

    /// <summary>Whether a topic name matches a filter (MQTT 5.0 §4.7; shared filters by their inner filter).</summary>
    public static bool Matches(string filter, string topic) => TopicFilter.Matches(filter, topic);
}
