namespace Twin.Messaging.Mqtt;

/// <summary>
/// MQTT 5.0 reason codes (MQTT 5.0 §2.4, table 2-6). MQTT 3.1.1 CONNACK return codes and SUBACK failure are
/// mapped onto these (see <see cref="MqttReasonCodes.FromV311ConnectReturnCode"/>).
/// </summary>
public enum MqttReasonCode : byte
{
    /// <summary>0x00 Success / Normal disconnection / Granted QoS 0.</summary>
    Success = 0x00,
    /// <summary>0x01 Granted QoS 1 (SUBACK).</summary>
    GrantedQos1 = 0x01,
    /// <summary>0x02 Granted QoS 2 (SUBACK).</summary>
    GrantedQos2 = 0x02,
    /// <summary>0x04 Disconnect with Will Message (client DISCONNECT).</summary>
    DisconnectWithWillMessage = 0x04,
    /// <summary>0x10 No matching subscribers (PUBACK, PUBREC).</summary>
    NoMatchingSubscribers = 0x10,
    /// <summary>0x11 No subscription existed (UNSUBACK).</summary>
    NoSubscriptionExisted = 0x11,
    /// <summary>0x18 Continue authentication (AUTH).</summary>
    ContinueAuthentication = 0x18,
    /// <summary>0x19 Re-authenticate (AUTH).</summary>
    ReAuthenticate = 0x19,
    /// <summary>0x80 Unspecified error.</summary>
    UnspecifiedError = 0x80,
    /// <summary>0x81 Malformed Packet.</summary>
    MalformedPacket = 0x81,
    /// <summary>0x82 Protocol Error.</summary>
    ProtocolError = 0x82,
    /// <summary>0x83 Implementation specific error.</summary>
    ImplementationSpecificError = 0x83,
    /// <summary>0x84 Unsupported Protocol Version (CONNACK).</summary>
    UnsupportedProtocolVersion = 0x84,
    /// <summary>0x85 Client Identifier not valid (CONNACK).</summary>
    ClientIdentifierNotValid = 0x85,
    /// <summary>0x86 Bad User Name or Password (CONNACK).</summary>
    BadUserNameOrPassword = 0x86,
    /// <summary>0x87 Not authorized.</summary>
    NotAuthorized = 0x87,
    /// <summary>0x88 Server unavailable (CONNACK).</summary>
    ServerUnavailable = 0x88,
    /// <summary>0x89 Server busy.</summary>
    ServerBusy = 0x89,
    /// <summary>0x8A Banned (CONNACK).</summary>
    Banned = 0x8A,
    /// <summary>0x8B Server shutting down (DISCONNECT).</summary>
    ServerShuttingDown = 0x8B,
    /// <summary>0x8C Bad authentication method.</summary>
    BadAuthenticationMethod = 0x8C,
    /// <summary>0x8D Keep Alive timeout (DISCONNECT).</summary>
    KeepAliveTimeout = 0x8D,
    /// <summary>0x8E Session taken over (DISCONNECT).</summary>
    SessionTakenOver = 0x8E,
    /// <summary>0x8F Topic Filter invalid.</summary>
    TopicFilterInvalid = 0x8F,
    /// <summary>0x90 Topic Name invalid.</summary>
    TopicNameInvalid = 0x90,
    /// <summary>0x91 Packet Identifier in use.</summary>
    PacketIdentifierInUse = 0x91,
    /// <summary>0x92 Packet Identifier not found.</summary>
    PacketIdentifierNotFound = 0x92,
    /// <summary>0x93 Receive Maximum exceeded.</summary>
    ReceiveMaximumExceeded = 0x93,
    /// <summary>0x94 Topic Alias invalid.</summary>
    TopicAliasInvalid = 0x94,
    /// <summary>0x95 Packet too large.</summary>
    PacketTooLarge = 0x95,
    /// <summary>0x96 Message rate too high.</summary>
    MessageRateTooHigh = 0x96,
    /// <summary>0x97 Quota exceeded.</summary>
    QuotaExceeded = 0x97,
    /// <summary>0x98 Administrative action.</summary>
    AdministrativeAction = 0x98,
    /// <summary>0x99 Payload format invalid.</summary>
    PayloadFormatInvalid = 0x99,
    /// <summary>0x9A Retain not supported.</summary>
    RetainNotSupported = 0x9A,
    /// <summary>0x9B QoS not supported.</summary>
    QosNotSupported = 0x9B,
    /// <summary>0x9C Use another server.</summary>
    UseAnotherServer = 0x9C,
    /// <summary>0x9D Server moved.</summary>
    ServerMoved = 0x9D,
    /// <summary>0x9E Shared Subscriptions not supported.</summary>
    SharedSubscriptionsNotSupported = 0x9E,
    /// <summary>0x9F Connection rate exceeded.</summary>
    ConnectionRateExceeded = 0x9F,
    /// <summary>0xA0 Maximum connect time.</summary>
    MaximumConnectTime = 0xA0,
    /// <summary>0xA1 Subscription Identifiers not supported.</summary>
    SubscriptionIdentifiersNotSupported = 0xA1,
    /// <summary>0xA2 Wildcard Subscriptions not supported.</summary>
    WildcardSubscriptionsNotSupported = 0xA2,
}

/// <summary>Descriptions of <see cref="MqttReasonCode"/> values and mappings from MQTT 3.1.1 codes.</summary>
public static class MqttReasonCodes
{
    /// <summary>Text of a reason code as the MQTT 5.0 specification names it, prefixed by its hex value, e.g. "0x86 Bad User Name or Password".</summary>
    /// <param name="code">The reason code.</param>
    /// <returns>The description.</returns>
    public static string Describe(MqttReasonCode code) => $"0x{(byte)code:X2} {Name(code)}";

    /// <summary>True when the code signals failure (0x80 and above, MQTT 5.0 §2.4).</summary>
    /// <param name="code">The reason code.</param>
    /// <returns>Whether it is an error.</returns>
    public static bool IsError(MqttReasonCode code) => (byte)code >= 0x80;

    /// <summary>
    /// Maps an MQTT 3.1.1 CONNACK return code (MQTT 3.1.1 §3.2.2.3, table 3.1) onto the MQTT 5.0 reason code with
    /// the same meaning; values above 5 are reserved and yield null.
    /// </summary>
    /// <param name="returnCode">The 3.1.1 return code.</param>
    /// <returns>The reason code, or null for a reserved value.</returns>
    public static MqttReasonCode? FromV311ConnectReturnCode(byte returnCode) => returnCode switch
    {
        0 => MqttReasonCode.Success,
        1 => MqttReasonCode.UnsupportedProtocolVersion,
        2 => MqttReasonCode.ClientIdentifierNotValid,
        3 => MqttReasonCode.ServerUnavailable,
        4 => MqttReasonCode.BadUserNameOrPassword,
        5 => MqttReasonCode.NotAuthorized,
        _ => null,
    };

    private static string Name(MqttReasonCode code) => code switch
    {
        MqttReasonCode.Success => "Success",
        MqttReasonCode.GrantedQos1 => "Granted QoS 1",
        MqttReasonCode.GrantedQos2 => "Granted QoS 2",
        MqttReasonCode.DisconnectWithWillMessage => "Disconnect with Will Message",
        MqttReasonCode.NoMatchingSubscribers => "No matching subscribers",
        MqttReasonCode.NoSubscriptionExisted => "No subscription existed",
        MqttReasonCode.ContinueAuthentication => "Continue authentication",
        MqttReasonCode.ReAuthenticate => "Re-authenticate",
        MqttReasonCode.UnspecifiedError => "Unspecified error",
        MqttReasonCode.MalformedPacket => "Malformed Packet",
        MqttReasonCode.ProtocolError => "Protocol Error",
        MqttReasonCode.ImplementationSpecificError => "Implementation specific error",
        MqttReasonCode.UnsupportedProtocolVersion => "Unsupported Protocol Version",
        MqttReasonCode.ClientIdentifierNotValid => "Client Identifier not valid",
        MqttReasonCode.BadUserNameOrPassword => "Bad User Name or Password",
        MqttReasonCode.NotAuthorized => "Not authorized",
        MqttReasonCode.ServerUnavailable => "Server unavailable",
        MqttReasonCode.ServerBusy => "Server busy",
        MqttReasonCode.Banned => "Banned",
        MqttReasonCode.ServerShuttingDown => "Server shutting down",
        MqttReasonCode.BadAuthenticationMethod => "Bad authentication method",
        MqttReasonCode.KeepAliveTimeout => "Keep Alive timeout",
        MqttReasonCode.SessionTakenOver => "Session taken over",
        MqttReasonCode.TopicFilterInvalid => "Topic Filter invalid",
        MqttReasonCode.TopicNameInvalid => "Topic Name invalid",
        MqttReasonCode.PacketIdentifierInUse => "Packet Identifier in use",
        MqttReasonCode.PacketIdentifierNotFound => "Packet Identifier not found",
        MqttReasonCode.ReceiveMaximumExceeded => "Receive Maximum exceeded",
        MqttReasonCode.TopicAliasInvalid => "Topic Alias invalid",
        MqttReasonCode.PacketTooLarge => "Packet too large",
        MqttReasonCode.MessageRateTooHigh => "Message rate too high",
        MqttReasonCode.QuotaExceeded => "Quota exceeded",
        MqttReasonCode.AdministrativeAction => "Administrative action",
        MqttReasonCode.PayloadFormatInvalid => "Payload format invalid",
        MqttReasonCode.RetainNotSupported => "Retain not supported",
        MqttReasonCode.QosNotSupported => "QoS not supported",
        MqttReasonCode.UseAnotherServer => "Use another server",
        MqttReasonCode.ServerMoved => "Server moved",
        MqttReasonCode.SharedSubscriptionsNotSupported => "Shared Subscriptions not supported",
        MqttReasonCode.ConnectionRateExceeded => "Connection rate exceeded",
        MqttReasonCode.MaximumConnectTime => "Maximum connect time",
        MqttReasonCode.SubscriptionIdentifiersNotSupported => "Subscription Identifiers not supported",
        MqttReasonCode.WildcardSubscriptionsNotSupported => "Wildcard Subscriptions not supported",
        _ => "unknown reason code",
    };
}
