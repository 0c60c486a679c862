using System.Collections;
using System.Globalization;
using System.Net;
using Twin.Epics.ChannelAccess.Circuit;

namespace Twin.Epics.ChannelAccess.Server;

/// <summary>
/// Where and how the Channel Access server listens. Defaults follow EPICS: server port 5064 (TCP and UDP), beacons to
/// the repeater port 5065, beacon period growing from 0.02 s to 15 s; this server binds to 127.0.0.1 unless an
/// interface is configured (a beamline's control network is chosen on purpose, never by default).
/// </summary>
public sealed record CaServerOptions
{
    /// <summary>Address to bind (EPICS_CAS_INTF_ADDR_LIST, first entry); default 127.0.0.1. 0.0.0.0 also receives broadcast searches.</summary>
    public IPAddress Interface { get; init; } = IPAddress.Loopback;

    /// <summary>UDP search port and preferred TCP port (EPICS_CAS_SERVER_PORT, else EPICS_CA_SERVER_PORT); default 5064. 0 picks free ports (tests).</summary>
    public int ServerPort { get; init; } = 5064;

    /// <summary>Port beacons are sent to (EPICS_CA_REPEATER_PORT); default 5065.</summary>
    public int RepeaterPort { get; init; } = 5065;

    /// <summary>Addresses beacons go to (EPICS_CAS_BEACON_ADDR_LIST); default: the interface itself when it is loopback or a unicast address, 255.255.255.255 when it is 0.0.0.0.</summary>
    public IReadOnlyList<IPEndPoint>? BeaconAddresses { get; init; }

    /// <summary>Longest period between beacons (EPICS_CAS_BEACON_PERIOD); default 15 s.</summary>
    public TimeSpan BeaconPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>What one client may take before its circuit is closed.</summary>
    public CircuitLimits Limits { get; init; } = new();

    /// <summary>Reads the EPICS environment variables over these defaults.</summary>
    /// <param name="environment">Variables (default: the process's).</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">A variable holds no valid address, port or period; the message names it and what is expected.</exception>
    public static CaServerOptions FromEnvironment(IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        string? Get(string name) => environment[name] is string s && s.Trim().Length > 0 ? s.Trim() : null;
        var o = new CaServerOptions();
        if (Get("EPICS_CAS_INTF_ADDR_LIST") is { } intf)
        {
            string first = intf.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)[0];
            if (!IPAddress.TryParse(first, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                throw new FormatException($"EPICS_CAS_INTF_ADDR_LIST '{intf}': expected an IPv4 address such as 127.0.0.1");
            o = o with { Interface = ip };
        }
        if ((Get("EPICS_CAS_SERVER_PORT") ?? Get("EPICS_CA_SERVER_PORT")) is { } port)
            o = o with { ServerPort = Port(port, Get("EPICS_CAS_SERVER_PORT") is null ? "EPICS_CA_SERVER_PORT" : "EPICS_CAS_SERVER_PORT") };
        if (Get("EPICS_CA_REPEATER_PORT") is { } rep) o = o with { RepeaterPort = Port(rep, "EPICS_CA_REPEATER_PORT") };
        if (Get("EPICS_CAS_BEACON_PERIOD") is { } period)
        {
            if (!double.TryParse(period, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !(s >= 0.1) || s > 3600)
                throw new FormatException($"EPICS_CAS_BEACON_PERIOD '{period}': expected seconds between 0.1 and 3600");
            o = o with { BeaconPeriod = TimeSpan.FromSeconds(s) };
        }
        if (Get("EPICS_CAS_BEACON_ADDR_LIST") is { } list)
        {
            var addresses = new List<IPEndPoint>();
            foreach (string item in list.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!IPEndPoint.TryParse(item, out var ep) || ep.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                    throw new FormatException($"EPICS_CAS_BEACON_ADDR_LIST entry '{item}': expected an IPv4 address, optionally with :port");
                if (ep.Port == 0) ep.Port = o.RepeaterPort;
                addresses.Add(ep);
            }
            o = o with { BeaconAddresses = addresses };
        }
        return o;
    }

    private static int Port(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is > 0 and <= 65535
            ? p : throw new FormatException($"{name} '{text}': expected a port number 1–65535");

    /// <summary>Where beacons go: <see cref="BeaconAddresses"/>, or derived from the interface.</summary>
    public IReadOnlyList<IPEndPoint> BeaconTargets =>
        BeaconAddresses ?? [new IPEndPoint(Interface.Equals(IPAddress.Any) ? IPAddress.Broadcast : Interface, RepeaterPort)];
}
