using System.Security.Cryptography;
using Twin.Messaging.Mqtt;
using Twin.Service.Hosting;

namespace Twin.Service.Broker;

/// <summary>The embedded broker's settings inside <see cref="ServeOptions"/>.</summary>
/// <param name="Listen">Where it listens.</param>
/// <param name="ServiceUser">User name of the service's own clients.</param>
/// <param name="ServicePassword">Their password: 32 random bytes made at each start, held in memory only.</param>
public sealed record EmbeddedBrokerOptions(BrokerListen Listen, string ServiceUser, string ServicePassword);

/// <summary>Adds the embedded broker and the service's client of it to serve options.</summary>
public static class EmbeddedBrokerSetup
{
    /// <summary>
    /// Runs an embedded broker on <paramref name="listen"/> and connects the service to it with the same MQTT client and
    /// session settings as to an external broker (<see cref="MqttServiceBus"/>), under a user name and a password made now.
    /// </summary>
    /// <param name="options">Options without a bus.</param>
    /// <param name="listen">Where the broker listens.</param>
    /// <param name="site">Site whose status topic carries the service's last will.</param>
    /// <returns>The options with <see cref="ServeOptions.Broker"/> and the bus set.</returns>
    /// <exception cref="FormatException">The experiment file's <c>security:</c> section is invalid.</exception>
    /// <exception cref="IOException">The experiment file or a key file cannot be read.</exception>
    public static ServeOptions Configure(ServeOptions options, BrokerListen listen, string site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(listen);
        string user = options.ClientId;
        string password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var client = new MqttClientOptions { Host = listen.ConnectAddress.ToString(), Port = listen.Port, Username = user, Password = password };
        return MqttServiceBus.Configure(options, client, site) with { Broker = new EmbeddedBrokerOptions(listen, user, password) };
    }
}
