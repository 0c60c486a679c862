using System.Net;

namespace Twin.Service.Broker;

/// <summary>
/// Where the embedded MQTT broker listens (<c>--mqtt-listen ADDR:PORT</c>; <c>none</c> switches it off).
/// </summary>
/// <param name="Address">IP address the listener binds (IPv4 or IPv6).</param>
/// <param name="Port">TCP port, 1–65535 (1883 is the port IANA registered for MQTT without TLS: OASIS MQTT Version 5.0, §4.2).</param>
public sealed record BrokerListen(IPAddress Address, int Port)
{
    /// <summary>The default: 127.0.0.1:1883, reachable from this machine only.</summary>
    public static BrokerListen Default { get; } = new(IPAddress.Loopback, 1883);

    /// <summary>The word that switches the embedded broker off.</summary>
    public const string Off = "none";

    /// <summary>True when only this machine can connect (127.0.0.0/8 or ::1).</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>The address the service's own client connects to: the bound address, or loopback for a wildcard bind.</summary>
    public IPAddress ConnectAddress =>
        Address.Equals(IPAddress.Any) ? IPAddress.Loopback : Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : Address;

    /// <summary>Parses <c>ADDR:PORT</c> (<c>[v6addr]:PORT</c> for IPv6) or <c>none</c>.</summary>
    /// <param name="text">The option's value.</param>
    /// <param name="option">The option's name, for the error message.</param>
    /// <returns>The listen address, or null for <c>none</c>.</returns>
    /// <exception cref="FormatException">Not <c>none</c> and not an IP address with a port 1–65535.</exception>
    public static BrokerListen? Parse(string text, string option = "--mqtt-listen")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Equals(Off, StringComparison.OrdinalIgnoreCase)) return null;
        if (IPEndPoint.TryParse(text.Trim(), out var ep) && text.Contains(':', StringComparison.Ordinal) && ep.Port is > 0 and <= 65535
            && (ep.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? text.Trim().LastIndexOf(':') > 0 : text.Trim().StartsWith('[')))
            return new BrokerListen(ep.Address, ep.Port);
        throw new FormatException($"{option} '{text}': expected ADDR:PORT with an IP address and a port 1–65535 (e.g. 127.0.0.1:1883, 0.0.0.0:1883, [::1]:1883), or '{Off}'");
    }

    /// <inheritdoc />
    public override string ToString() => new IPEndPoint(Address, Port).ToString();
}
