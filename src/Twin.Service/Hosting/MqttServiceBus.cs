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
    /// <summary>Adds an MQTT bus to serve options.</summary>
    /// <param name="options">Options without a bus.</param>
    /// <param name="url">Broker URL, e.g. <c>mqtt://user:pass@127.0.0.1:1883</c> or <c>mqtts://host:8883?ca=ca.crt</c>.</param>
    /// <param name="site">Site whose status topic carries the last will.</param>
    /// <returns>The options with <see cref="ServeOptions.Bus"/>, its status and its connect step set, and <see cref="ServeOptions.Signer"/>
    /// when the experiment file declares keys (the last will is signed with it).</returns>
    /// <exception cref="ArgumentException">The URL is not a valid MQTT URL.</exception>
    public static ServeOptions Configure(ServeOptions options, string url, string site) => Configure(options, MqttClientOptions.Parse(url), site);

    /// <summary>Adds an MQTT bus to serve options.</summary>
    /// <param name="options">Options without a bus.</param>
    /// <param name="parsed">Broker options (address, credentials, TLS).</param>
    /// <param name="site">Site whose status topic carries the last will.</param>
    /// <returns>The options with <see cref="ServeOptions.Bus"/>, its status and its connect step set, and <see cref="ServeOptions.Signer"/>
    /// when the experiment file declares keys (the last will is signed with it).</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    /// <exception cref="FormatException">The experiment file's <c>security:</c> section is invalid or its twin key cannot be loaded.</exception>
    /// <exception cref="IOException">The experiment file or the key file cannot be read.</exception>
    public static ServeOptions Configure(ServeOptions options, MqttClientOptions parsed, string site)
    {
        var security = SecuritySection.Load(options.ConfigPath);
        var signer = security.Enabled ? security.TwinSigner() : null;
        var client = CreateClient(parsed, options.ClientId, site, signer);
        return options with
        {
            Bus = client,
            Signer = signer,
            ConnectBus = async ct => await client.ConnectAsync(ct).ConfigureAwait(false),
            BusStatus = () => (client.IsConnected ? $"mqtt connected to {parsed.Host}:{parsed.Port}" : $"mqtt {client.State.ToString().ToLowerInvariant()}: {client.LastError?.Message}", client.IsConnected),
            BusReconnects = () => client.Reconnects,
        };
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
    /// <param name="willSigner">Signs the last will (the twin service's, so that drivers can believe it), or null.</param>
    /// <returns>The client, not yet connected.</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    public static MqttClient CreateClient(MqttClientOptions parsed, string clientId, string site, MessageSigner? willSigner = null)
    {
        var will = new StatusPayload { Client = clientId, State = "offline" };
        return new MqttClient(parsed with
        {
            ClientId = clientId,
            CleanStart = false,
            SessionExpiryInterval = 86_400,
            AcknowledgeAfterHandling = true,
            ReceiveMaximum = 1_024,
            Will = Signed(new BusMessage(TwinTopics.Status(site, clientId), TwinPayloads.Serialize(will), QualityOfService.AtLeastOnce, Retain: true)),
        });
        BusMessage Signed(BusMessage m) => willSigner?.Sign(m) ?? m;
    }
}
