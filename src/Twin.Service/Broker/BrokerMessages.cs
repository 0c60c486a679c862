using MQTTnet;
using MQTTnet.Packets;
using Twin.Messaging.Bus;

namespace Twin.Service.Broker;

/// <summary>Converts the embedded broker's application messages to the product's <see cref="BusMessage"/> at its edge.</summary>
public static class BrokerMessages
{
    /// <summary>Copies a received application message into a bus message (payload, QoS, retain, MQTT 5 properties).</summary>
    /// <param name="m">The message as the broker received it.</param>
    /// <returns>The bus message; its payload is a copy, valid after the broker reuses its buffers.</returns>
    public static BusMessage ToBus(MqttApplicationMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new BusMessage(m.Topic, System.Buffers.BuffersExtensions.ToArray(m.Payload), (QualityOfService)(int)m.QualityOfServiceLevel, m.Retain)
        {
            ResponseTopic = m.ResponseTopic,
            CorrelationData = m.CorrelationData ?? ReadOnlyMemory<byte>.Empty,
            ContentType = m.ContentType,
            MessageExpirySeconds = m.MessageExpiryInterval == 0 ? null : m.MessageExpiryInterval,
            UserProperties = m.UserProperties is { Count: > 0 } p ? [.. p.Select(x => new KeyValuePair<string, string>(x.Name, x.ReadValueAsString()))] : [],
        };
    }
}
