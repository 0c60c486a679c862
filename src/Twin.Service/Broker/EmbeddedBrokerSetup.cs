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
    public static ServeOptions Configure(ServeOptions options, BrokerListen listen, string site) =>
        Configure(options, Credentials(listen, options?.ClientId ?? throw new ArgumentNullException(nameof(options))), site);

    /// <summary>Makes the service's credentials for a broker on <paramref name="listen"/>: its user name and a password of
    /// 32 random bytes (base64), never written anywhere.</summary>
    /// <param name="listen">Where the broker listens.</param>
    /// <param name="serviceUser">User name of the service's clients (its client id).</param>
    /// <returns>The broker's settings.</returns>
    public static EmbeddedBrokerOptions Credentials(BrokerListen listen, string serviceUser)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentException.ThrowIfNullOrEmpty(serviceUser);
        return new EmbeddedBrokerOptions(listen, serviceUser, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    /// <summary>Client options for another in-process client of the broker with the service's credentials (the driver of
    /// <c>twin drive</c> and <c>twin demo</c> beside their embedded twin); client id and session are the caller's.</summary>
    /// <param name="broker">The broker's settings.</param>
    /// <returns>Address and credentials.</returns>
    public static MqttClientOptions ClientOptions(EmbeddedBrokerOptions broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return new MqttClientOptions { Host = broker.Listen.ConnectAddress.ToString(), Port = broker.Listen.Port, Username = broker.ServiceUser, Password = broker.ServicePassword };
    }

    /// <summary>Runs the broker of <paramref name="broker"/> and connects the service to it, as <see cref="Configure(ServeOptions, BrokerListen, string)"/>.</summary>
    /// <param name="options">Options without a bus.</param>
    /// <param name="broker">The broker's settings (from <see cref="Credentials"/>).</param>
    /// <param name="site">Site whose status topic carries the service's last will.</param>
    /// <returns>The options with <see cref="ServeOptions.Broker"/> and the bus set.</returns>
    /// <exception cref="FormatException">The experiment file's <c>security:</c> section is invalid.</exception>
    /// <exception cref="IOException">The experiment file or a key file cannot be read.</exception>
    public static ServeOptions Configure(ServeOptions options, EmbeddedBrokerOptions broker, string site)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(broker);
        return MqttServiceBus.Configure(options, ClientOptions(broker), site) with { Broker = broker };
    }
}
