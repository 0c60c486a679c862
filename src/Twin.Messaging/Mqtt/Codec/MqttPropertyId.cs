namespace Twin.Messaging.Mqtt.Codec;

/// <summary>MQTT 5.0 property identifiers (MQTT 5.0 §2.2.2.2, table 2-4).</summary>
internal enum MqttPropertyId : byte
{
    /// <summary>0x01 Byte: 0 unspecified bytes, 1 UTF-8 payload.</summary>
    PayloadFormatIndicator = 0x01,
    /// <summary>0x02 Four Byte Integer, seconds.</summary>
    MessageExpiryInterval = 0x02,
    /// <summary>0x03 UTF-8 string.</summary>
    ContentType = 0x03,
    /// <summary>0x08 UTF-8 string (topic name).</summary>
    ResponseTopic = 0x08,
    /// <summary>0x09 Binary data.</summary>
    CorrelationData = 0x09,
    /// <summary>0x0B Variable Byte Integer 1..268,435,455.</summary>
    SubscriptionIdentifier = 0x0B,
    /// <summary>0x11 Four Byte Integer, seconds.</summary>
    SessionExpiryInterval = 0x11,
    /// <summary>0x12 UTF-8 string.</summary>
    AssignedClientIdentifier = 0x12,
    /// <summary>0x13 Two Byte Integer, seconds.</summary>
    ServerKeepAlive = 0x13,
    /// <summary>0x15 UTF-8 string.</summary>
    AuthenticationMethod = 0x15,
    /// <summary>0x16 Binary data.</summary>
    AuthenticationData = 0x16,
    /// <summary>0x17 Byte 0/1.</summary>
    RequestProblemInformation = 0x17,
    /// <summary>0x18 Four Byte Integer, seconds.</summary>
    WillDelayInterval = 0x18,
    /// <summary>0x19 Byte 0/1.</summary>
    RequestResponseInformation = 0x19,
    /// <summary>0x1A UTF-8 string.</summary>
    ResponseInformation = 0x1A,
    /// <summary>0x1C UTF-8 string.</summary>
    ServerReference = 0x1C,
    /// <summary>0x1F UTF-8 string.</summary>
    ReasonString = 0x1F,
    /// <summary>0x21 Two Byte Integer, non-zero.</summary>
    ReceiveMaximum = 0x21,
    /// <summary>0x22 Two Byte Integer.</summary>
    TopicAliasMaximum = 0x22,
    /// <summary>0x23 Two Byte Integer, non-zero.</summary>
    TopicAlias = 0x23,
    /// <summary>0x24 Byte 0/1.</summary>
    MaximumQos = 0x24,
    /// <summary>0x25 Byte 0/1.</summary>
    RetainAvailable = 0x25,
    /// <summary>0x26 UTF-8 string pair; may repeat.</summary>
    UserProperty = 0x26,
    /// <summary>0x27 Four Byte Integer, non-zero.</summary>
    MaximumPacketSize = 0x27,
    /// <summary>0x28 Byte 0/1.</summary>
    WildcardSubscriptionAvailable = 0x28,
    /// <summary>0x29 Byte 0/1.</summary>
    SubscriptionIdentifierAvailable = 0x29,
    /// <summary>0x2A Byte 0/1.</summary>
    SharedSubscriptionAvailable = 0x2A,
}
