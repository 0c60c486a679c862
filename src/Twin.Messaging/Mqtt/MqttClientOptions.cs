using System.Text;
using Twin.Messaging.Bus;

namespace Twin.Messaging.Mqtt;

/// <summary>Connection and behaviour settings of an <see cref="MqttClient"/>. Build one directly or with <see cref="Parse"/>.</summary>
public sealed record MqttClientOptions
{
    /// <summary>Broker host name or IP address.</summary>
    public string Host { get; init; } = "localhost";

    /// <summary>Broker TCP port (1883 plain, 8883 TLS by convention).</summary>
    public int Port { get; init; } = 1883;

    /// <summary>
    /// Client identifier (MQTT 5.0 §3.1.3.1). Empty: with MQTT 5 the broker assigns one (Assigned Client Identifier),
    /// which the client then reuses on reconnects; with MQTT 3.1.1 the client generates a random one.
    /// </summary>
    public string ClientId { get; init; } = "";

    /// <summary>Protocol version tried first.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V500;

    /// <summary>
    /// When the broker answers an MQTT 5 CONNECT with "unsupported protocol version" (MQTT 5 reason 0x84, or the
    /// MQTT 3.1.1 return code 1), connect again with MQTT 3.1.1 and keep using it.
    /// </summary>
    public bool AllowProtocolFallback { get; init; } = true;

    /// <summary>
    /// Clean Start of the first CONNECT (MQTT 5.0 §3.1.2.4). Automatic reconnects always send Clean Start = 0 so the
    /// session (when <see cref="SessionExpiryInterval"/> &gt; 0) is resumed. Mosquitto 2.0 keeps a session created
    /// with Clean Start = 1 only in memory: for a session that must survive a broker restart, set this to false.
    /// </summary>
    public bool CleanStart { get; init; } = true;

    /// <summary>
    /// Session Expiry Interval in seconds (MQTT 5.0 §3.1.2.11.2): 0 ends the session with the connection,
    /// <see cref="uint.MaxValue"/> never expires it. With MQTT 3.1.1, a value &gt; 0 means Clean Session = 0 on reconnects.
    /// </summary>
    public uint SessionExpiryInterval { get; init; }

    /// <summary>User name, or null.</summary>
    public string? Username { get; init; }

    /// <summary>Password, or null.</summary>
    public string? Password { get; init; }

    /// <summary>Connect with TLS (SslStream).</summary>
    public bool UseTls { get; init; }

    /// <summary>
    /// PEM (or DER) file with the CA certificate(s) that must anchor the broker's certificate chain; null uses the
    /// system trust store.
    /// </summary>
    public string? CaCertificateFile { get; init; }

    /// <summary>Host name the broker certificate must be issued for (SNI and name check); null uses <see cref="Host"/>.</summary>
    public string? TlsTargetHost { get; init; }

    /// <summary>
    /// Keep alive (MQTT 5.0 §3.1.2.10): PINGREQ when idle this long; the connection is considered dead when no
    /// PINGRESP arrives within 1.5 × keep alive. Zero turns it off. Whole seconds, at most 65535.
    /// </summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Last will (MQTT 5.0 §3.1.2.5): published by the broker if the connection ends without DISCONNECT 0x00.</summary>
    public BusMessage? Will { get; init; }

    /// <summary>Will Delay Interval in seconds (MQTT 5.0 §3.1.3.2.2).</summary>
    public uint WillDelayInterval { get; init; }

    /// <summary>
    /// When true, the PUBACK of an inbound QoS 1 message is sent only after every handler it was delivered to
    /// has returned (acknowledgements still go out in arrival order, MQTT 5.0 §4.6). A consumer that makes a
    /// message durable inside its handler then loses nothing if its process dies: what was not acknowledged
    /// is redelivered on the resumed session. Raise <see cref="ReceiveMaximum"/> so that handlers of many
    /// subscriptions can work in parallel. Default false: acknowledge once queued for the handlers.
    /// </summary>
    public bool AcknowledgeAfterHandling { get; init; }

    /// <summary>
    /// When true, more than <see cref="ReceiveMaximum"/> QoS 2 messages awaiting PUBREL is a protocol error
    /// (DISCONNECT 0x93, MQTT 5.0 §3.3.4). Default false: the excess is logged once per connection and the
    /// messages are handled, because Mosquitto 2.0 returns a send-quota slot on PUBREC instead of PUBCOMP and
    /// so legitimately-looking streams exceed the count (observed with Mosquitto 2.0.11 in this project's tests).
    /// </summary>
    public bool StrictReceiveMaximum { get; init; }

    /// <summary>Receive Maximum sent to the broker: unacknowledged QoS 1/2 messages it may send us at once (MQTT 5.0 §3.1.2.11.3).</summary>
    public ushort ReceiveMaximum { get; init; } = 100;

    /// <summary>Largest packet this client accepts, in bytes (MQTT 5.0 §3.1.2.11.4); larger ones are a 0x95 protocol error.</summary>
    public int MaximumPacketSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Topic Alias Maximum sent to the broker (MQTT 5.0 §3.1.2.11.5); inbound aliases are resolved.</summary>
    public ushort TopicAliasMaximum { get; init; } = 16;

    /// <summary>MQTT 5 Request Problem Information (MQTT 5.0 §3.1.2.11.7); null leaves the broker default (1).</summary>
    public bool? RequestProblemInformation { get; init; }

    /// <summary>MQTT 5 Request Response Information (MQTT 5.0 §3.1.2.11.6); null leaves the broker default (0).</summary>
    public bool? RequestResponseInformation { get; init; }

    /// <summary>MQTT 5 user properties sent with CONNECT.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ConnectUserProperties { get; init; } = [];

    /// <summary>
    /// Messages waiting to be sent (bounded outbox). <see cref="MqttClient.PublishAsync"/> waits while it is full,
    /// including while the broker is unreachable (back-pressure).
    /// </summary>
    public int OutboxCapacity { get; init; } = 1000;

    /// <summary>Upper bound on unacknowledged outgoing QoS 1/2 messages; the broker's Receive Maximum lowers it (MQTT 5.0 §4.9).</summary>
    public int MaxInflight { get; init; } = 1000;

    /// <summary>
    /// Messages queued per subscription handler; the reader waits (TCP back-pressure) when a handler falls this far
    /// behind. While it waits, no acknowledgements are read either: a handler that awaits a QoS ≥ 1 publish of the same
    /// client stalls once its own queue is full, so keep such handlers fast or the capacity ample.
    /// </summary>
    public int HandlerQueueCapacity { get; init; } = 10_000;

    /// <summary>
    /// Bytes of received messages (payload and topic) that may be queued for, or being handled by, subscription
    /// handlers at once (default 64 MiB). Receive Maximum bounds only the number of unacknowledged messages (MQTT 5.0
    /// §4.9), so a burst of large messages is bounded here: while the budget is spent, the reader stops reading (TCP
    /// back-pressure). A single message larger than the budget is still delivered, alone. While this client waits for
    /// the PUBACK of its own publication the reader goes on, so a handler that publishes cannot stall it.
    /// </summary>
    public long MaxInboundBytes { get; init; } = 64L << 20;

    /// <summary>First delay before a message whose handler threw is handed to it again (doubles per failure, with jitter).</summary>
    public TimeSpan HandlerRetryMinDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between two attempts to handle a message whose handler keeps throwing.</summary>
    public TimeSpan HandlerRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When false (the default), <see cref="MqttClient.ConnectWithRetryAsync"/> gives up at once on a CONNACK refusal
    /// that retrying cannot fix by itself — Bad User Name or Password (0x86), Not authorized (0x87), Banned (0x8A),
    /// Client Identifier not valid (0x85), Bad authentication method (0x8C) (MQTT 5.0 §3.2.2.2; MQTT 3.1.1 return codes
    /// 2, 4, 5). True retries those as well (e.g. while the broker's password file is being deployed).
    /// </summary>
    public bool RetryRefusedConnect { get; init; }

    /// <summary>Clock for handler retry delays and SUBACK timeouts (tests pass a controllable one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Time allowed for TCP connect, TLS handshake and CONNACK.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for SUBACK and UNSUBACK.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnect automatically after the connection is lost (exponential backoff with jitter).</summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>First reconnect delay; doubles per failed attempt, with jitter.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>On dispose, time allowed for the outbox and unacknowledged messages to drain before DISCONNECT.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Diagnostics (connection changes and successful connects at information level; failed attempts, handler
    /// exceptions, refusals and protocol errors as warnings; acknowledgements for nothing pending at debug level), each
    /// with the client id; null discards.</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>
    /// Parses a broker URL: <c>mqtt://[user[:password]@]host[:port][?query]</c> or <c>mqtts://...</c> (TLS, default
    /// port 8883). Also accepted: schemes <c>tcp</c> (= mqtt), <c>ssl</c>/<c>tls</c> (= mqtts). Query parameters:
    /// <c>ca</c> (CA certificate file), <c>clientId</c>, <c>version</c> (<c>5</c> or <c>3.1.1</c>), <c>keepAlive</c>
    /// (seconds), <c>cleanStart</c> (true/false), <c>sessionExpiry</c> (seconds), <c>tlsHost</c> (certificate host name),
    /// <c>retryRefused</c> (true/false, <see cref="RetryRefusedConnect"/>).
    /// User name and password are percent-decoded.
    /// </summary>
    /// <param name="url">The URL.</param>
    /// <returns>Options with the URL's settings and defaults for the rest.</returns>
    /// <exception cref="FormatException">The URL is not of that form; the message says what is wrong.</exception>
    public static MqttClientOptions Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new FormatException($"'{url}' is not a broker URL like mqtt://host:1883 or mqtts://host:8883?ca=/path/ca.crt");
        bool tls = uri.Scheme.ToLowerInvariant() switch
        {
            "mqtt" or "tcp" => false,
            "mqtts" or "ssl" or "tls" => true,
            _ => throw new FormatException($"'{url}': scheme '{uri.Scheme}' is not mqtt or mqtts"),
        };
        var options = new MqttClientOptions
        {
            Host = uri.Host.StartsWith('[') ? uri.Host[1..^1] : uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? 8883 : 1883) : uri.Port,
            UseTls = tls,
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            int colon = uri.UserInfo.IndexOf(':');
            string user = colon < 0 ? uri.UserInfo : uri.UserInfo[..colon];
            options = options with
            {
                Username = Uri.UnescapeDataString(user),
                Password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]),
            };
        }
        string query = uri.Query.TrimStart('?');
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string key = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            string value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            options = key.ToLowerInvariant() switch
            {
                "ca" or "cafile" => options with { CaCertificateFile = value },
                "clientid" or "client_id" => options with { ClientId = value },
                "version" or "protocol" => options with
                {
                    ProtocolVersion = value switch
                    {
                        "5" or "5.0" or "mqttv5" => MqttProtocolVersion.V500,
                        "3.1.1" or "311" or "4" or "mqttv311" => MqttProtocolVersion.V311,
                        _ => throw new FormatException($"'{url}': version '{value}' is not 5 or 3.1.1"),
                    },
                },
                "keepalive" => options with { KeepAlive = TimeSpan.FromSeconds(ParseUInt(url, key, value, ushort.MaxValue)) },
                "cleanstart" or "clean" => options with { CleanStart = ParseBool(url, key, value) },
                "sessionexpiry" or "session_expiry" => options with { SessionExpiryInterval = (uint)ParseUInt(url, key, value, uint.MaxValue) },
                "tlshost" or "servername" => options with { TlsTargetHost = value },
                "retryrefused" => options with { RetryRefusedConnect = ParseBool(url, key, value) },
                _ => throw new FormatException($"'{url}': unknown query parameter '{key}' (known: ca, clientId, version, keepAlive, cleanStart, sessionExpiry, tlsHost, retryRefused)"),
            };
        }
        return options;
    }

    private static bool ParseBool(string url, string key, string value) =>
        bool.TryParse(value, out var b) ? b
        : value == "1" ? true : value == "0" ? false
        : throw new FormatException($"'{url}': {key}='{value}' is not true or false");

    private static ulong ParseUInt(string url, string key, string value, ulong max) =>
        ulong.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v <= max
            ? v
            : throw new FormatException($"'{url}': {key}='{value}' is not a whole number from 0 to {max}");

    /// <summary>Validates the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("Host is empty");
        if (Port is < 1 or > 65535) throw new ArgumentException($"Port {Port} is not 1–65535");
        if (KeepAlive < TimeSpan.Zero || KeepAlive.TotalSeconds > ushort.MaxValue)
            throw new ArgumentException($"KeepAlive {KeepAlive} is not 0–65535 s (MQTT 5.0 §3.1.2.10)");
        if (ReceiveMaximum == 0) throw new ArgumentException("ReceiveMaximum must be at least 1 (MQTT 5.0 §3.1.2.11.3)");
        if (MaximumPacketSize < 64) throw new ArgumentException("MaximumPacketSize must be at least 64 bytes");
        if (OutboxCapacity < 1) throw new ArgumentException("OutboxCapacity must be at least 1");
        if (MaxInflight < 1) throw new ArgumentException("MaxInflight must be at least 1");
        if (HandlerQueueCapacity < 1) throw new ArgumentException("HandlerQueueCapacity must be at least 1");
        if (MaxInboundBytes < 1) throw new ArgumentException("MaxInboundBytes must be at least 1");
        if (HandlerRetryMinDelay <= TimeSpan.Zero || HandlerRetryMaxDelay < HandlerRetryMinDelay)
            throw new ArgumentException("HandlerRetryMinDelay must be positive and at most HandlerRetryMaxDelay");
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (ConnectTimeout <= TimeSpan.Zero || OperationTimeout <= TimeSpan.Zero) throw new ArgumentException("timeouts must be positive");
        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay) throw new ArgumentException("ReconnectMinDelay must be positive and at most ReconnectMaxDelay");
        Codec.MqttBufferWriter.Utf8Size(ClientId, "ClientId");
        if (Username is not null) Codec.MqttBufferWriter.Utf8Size(Username, "Username");
        if (Password is not null && Encoding.UTF8.GetByteCount(Password) > ushort.MaxValue) throw new ArgumentException("Password is longer than 65535 bytes");
        if (Will is not null)
        {
            MqttTopic.ValidateTopicName(Will.Topic);
            if (Will.Payload.Length > ushort.MaxValue) throw new ArgumentException("Will payload is longer than 65535 bytes (MQTT 5.0 §3.1.3.4)");
        }
        foreach (var kv in ConnectUserProperties)
        {
            Codec.MqttBufferWriter.Utf8Size(kv.Key, "user property name");
            Codec.MqttBufferWriter.Utf8Size(kv.Value, "user property value");
        }
    }

    /// <summary>Broker address without credentials, e.g. <c>mqtts://broker:8883 (client id 'x', MQTT 5)</c>.</summary>
    /// <returns>The description; never contains the password.</returns>
    public override string ToString() =>
        $"{(UseTls ? "mqtts" : "mqtt")}://{(Username is null ? "" : Username + "@")}{(Host.Contains(':') ? "[" + Host + "]" : Host)}:{Port} " +
        $"(client id '{ClientId}', MQTT {(ProtocolVersion == MqttProtocolVersion.V500 ? "5" : "3.1.1")})";
}
