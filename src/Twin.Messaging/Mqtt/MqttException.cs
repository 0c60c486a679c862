namespace Twin.Messaging.Mqtt;

/// <summary>An MQTT operation failed: the broker answered with an error reason code, or the connection failed.</summary>
public class MqttException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="reasonCode">The MQTT reason code involved, if any.</param>
    /// <param name="innerException">The cause, if any.</param>
    public MqttException(string message, MqttReasonCode? reasonCode = null, Exception? innerException = null)
        : base(message, innerException) => ReasonCode = reasonCode;

    /// <summary>The MQTT reason code involved (from the broker, or the one this client sent), or null.</summary>
    public MqttReasonCode? ReasonCode { get; }
}

/// <summary>
/// A packet violated the protocol (MQTT 5.0 §4.13): malformed (0x81), protocol error (0x82), too large (0x95), ...
/// The client closes the connection after sending DISCONNECT with <see cref="MqttException.ReasonCode"/> (MQTT 5 only).
/// </summary>
public sealed class MqttProtocolException : MqttException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reasonCode">The reason code to report to the peer (0x81, 0x82, 0x93, 0x94, 0x95, ...).</param>
    /// <param name="message">What was wrong, naming the packet and field.</param>
    public MqttProtocolException(MqttReasonCode reasonCode, string message)
        : base($"{message} ({MqttReasonCodes.Describe(reasonCode)})", reasonCode) => Code = reasonCode;

    /// <summary>The reason code (never null for this exception type).</summary>
    public MqttReasonCode Code { get; }
}

/// <summary>The broker refused the connection (CONNACK with an error reason code) or it could not be established.</summary>
public sealed class MqttConnectException : MqttException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, naming the broker and the reason.</param>
    /// <param name="reasonCode">The CONNACK reason code, or null when no CONNACK was received.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <param name="serverReference">MQTT 5 Server Reference from the CONNACK (use another server / server moved).</param>
    public MqttConnectException(string message, MqttReasonCode? reasonCode = null, Exception? innerException = null, string? serverReference = null)
        : base(message, reasonCode, innerException) => ServerReference = serverReference;

    /// <summary>MQTT 5.0 §3.2.2.3.16 Server Reference, or null.</summary>
    public string? ServerReference { get; }
}
