using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Security;
using Twin.Service.Config;

namespace Twin.Service.Hosting;

/// <summary>
/// The MQTT client as the twin service uses it: a persistent session (clean start off, one-day session
/// expiry) so that a restarted service receives what was published while it was away; acknowledgement
/// after handling, so a message counts as received only once its samples and checkpoint are on disk; a
/// retained "offline" last will on the status topic.
/// </summary>
public static class MqttServiceBus
{
    /// <summary>
    /// Bytes of received telemetry the service holds at once, queued and being handled (its MQTT client's
    /// <see cref="MqttClientOptions.MaxInboundBytes"/>): a burst of large batches waits at the broker rather than
    /// filling the 256 MiB heap (parsing and storing a batch takes several times its size on the wire).
    /// </summary>
    public const long InboundBytes = 4L << 20;

    /// <summary>
    /// Adds an MQTT bus to serve options: two connections (<see cref="MqttBusPair"/>), <c>{client id}</c> subscribing
    /// with the persistent session and <c>{client id}-pub</c> publishing states, alarms and the status (with the
    /// last will), so a handler awaiting its state publication never waits for the subscriber's reader, which stops
    /// reading while <see cref="InboundBytes"/> are queued or being handled.
    /// </summary>
    /// <param name="options">Options without a bus.</param>
    /// <param name="url">Broker URL, e.g. <c>mqtt://user:pass@127.0.0.1:1883</c> or <c>mqtts://host:8883?ca=ca.crt</c>.</param>
    /// <param name="site">Site whose status topic carries the last will.</param>
    /// <returns>The options with <see cref="ServeOptions.Bus"/>, its status and its connect step set, and <see cref="ServeOptions.Signer"/>
    /// when the experiment file declares keys (the last will is signed with it).</returns>
    /// <exception cref="ArgumentException">The URL is not a valid MQTT URL.</exception>
    /// <exception cref="FormatException">The experiment file's <c>security:</c> section is invalid or its twin key cannot be loaded.</exception>
    /// <exception cref="IOException">The experiment file or the key file cannot be read.</exception>
    public static ServeOptions Configure(ServeOptions options, string url, string site) => Configure(options, MqttClientOptions.Parse(url), site);

    /// <summary>Adds an MQTT bus to serve options, as <see cref="Configure(ServeOptions, string, string)"/> does.</summary>
    /// <param name="options">Options without a bus.</param>
    /// <param name="parsedUrl">Broker options (address, credentials, TLS).</param>
    /// <param name="site">Site whose status topic carries the last will.</param>
    /// <returns>The options with the bus, its status, its connect step and the signer set.</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    /// <exception cref="FormatException">The experiment file's <c>security:</c> section is invalid or its twin key cannot be loaded.</exception>
    /// <exception cref="IOException">The experiment file or the key file cannot be read.</exception>
    public static ServeOptions Configure(ServeOptions options, MqttClientOptions parsedUrl, string site)
    {
        var security = SecuritySection.Load(options.ConfigPath);
        var signer = security.Enabled ? security.TwinSigner() : null;
        var relay = new LogRelay();
        var parsed = parsedUrl with { Logger = relay, MaxInboundBytes = InboundBytes };
        var subscriber = CreateClient(parsed, options.ClientId, site, lastWill: false);
        var publisher = new MqttClient(parsed with
        {
            ClientId = options.ClientId + "-pub",
            CleanStart = true,
            SessionExpiryInterval = 0,
            // signed with the service's signer: drivers believe this "offline" from the session whose "online" they saw
            Will = Will(options.ClientId, site, signer),
        });
        var bus = new MqttBusPair(subscriber, publisher);
        return options with
        {
            Bus = bus,
            BusLog = relay,
            Signer = signer,
            // An unreachable broker is retried with backoff (health says why); refused credentials end the service.
            ConnectBus = bus.ConnectWithRetryAsync,
            BusStatus = () => (bus.IsConnected ? $"mqtt connected to {parsed.Host}:{parsed.Port}" : Describe(subscriber.IsConnected ? publisher : subscriber), bus.IsConnected),
            BusReconnects = () => bus.Reconnects,
        };
    }

    private static string Describe(MqttClient client) =>
        $"mqtt {client.State.ToString().ToLowerInvariant()} ({client.ClientId}){(client.LastError is { } e ? ": " + e.Message : "")}";

    private static BusMessage Will(string clientId, string site, MessageSigner? signer)
    {
        var will = new BusMessage(TwinTopics.Status(site, clientId), TwinPayloads.Serialize(new StatusPayload { Client = clientId, State = "offline" }),
            QualityOfService.AtLeastOnce, Retain: true);
        return signer?.Sign(will) ?? will;
    }

    /// <summary>
    /// Creates an MQTT client for a long-running product process (twin service or driver): persistent session
    /// (clean start off, session expiry one day) so subscriptions and queued QoS 1 messages survive reconnects,
    /// acknowledgement after handling, receive maximum 1,024, and a retained <c>offline</c> status as last will on
    /// <c>twin/v1/{site}/status/{clientId}</c>.
    /// </summary>
    /// <param name="parsed">Broker options parsed from the URL.</param>
    /// <param name="clientId">Client id (also the status-topic name).</param>
    /// <param name="site">Site id for the status topic.</param>
    /// <param name="lastWill">Set the <c>offline</c> last will (false for a connection that does not carry the process's status).</param>
    /// <param name="willSigner">Signs the last will (the twin service's, so that drivers can believe it), or null.</param>
    /// <returns>The client, not yet connected.</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    public static MqttClient CreateClient(MqttClientOptions parsed, string clientId, string site, bool lastWill = true, MessageSigner? willSigner = null)
    {
        return new MqttClient(parsed with
        {
            ClientId = clientId,
            CleanStart = false,
            SessionExpiryInterval = 86_400,
            AcknowledgeAfterHandling = true,
            ReceiveMaximum = 1_024,
            Will = lastWill ? Will(clientId, site, willSigner) : null,
        });
    }
}
