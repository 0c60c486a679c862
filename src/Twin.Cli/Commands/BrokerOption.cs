using System.CommandLine;
using Twin.Service.Broker;

namespace Twin.Cli.Commands;

/// <summary>The <c>--mqtt-listen ADDR:PORT|none</c> option of serve, drive and demo: where the embedded MQTT broker listens.</summary>
internal static class BrokerOption
{
    /// <summary>Creates <c>--mqtt-listen</c>.</summary>
    public static Option<string?> Create() => new("--mqtt-listen")
    {
        Description = "Without --mqtt: where the embedded MQTT broker listens, ADDR:PORT (default 127.0.0.1:1883; 0.0.0.0:1883 for the lab network, "
            + "clients then need an API token or a user of the experiment file), or 'none' for no broker",
    };

    /// <summary>Where the embedded broker listens, given the two options.</summary>
    /// <param name="listen">Value of <c>--mqtt-listen</c>, or null.</param>
    /// <param name="mqttUrl">Value of <c>--mqtt</c>, or null.</param>
    /// <returns>The listen address; null with <c>--mqtt</c> (an external broker) or <c>none</c>.</returns>
    /// <exception cref="ArgumentException">Both options were given.</exception>
    /// <exception cref="FormatException">The address is not ADDR:PORT or none.</exception>
    public static BrokerListen? Resolve(string? listen, string? mqttUrl)
    {
        if (mqttUrl is not null && listen is not null)
            throw new ArgumentException($"--mqtt {mqttUrl} and --mqtt-listen {listen}: expected one of them (an external broker, or the embedded one)");
        if (mqttUrl is not null) return null;
        return listen is null ? BrokerListen.Default : BrokerListen.Parse(listen);
    }
}
