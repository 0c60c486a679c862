using System.Globalization;
using System.Net;

namespace Twin.Service.Config;

/// <summary>
/// The experiment file's <c>epics:</c> section: the twin as a Channel Access server (a soft IOC).
/// <code>
/// epics:
///   prefix: "TWIN:"            # PVs are {prefix}{cell}:CLI, …
///   interface: 127.0.0.1       # optional: overrides EPICS_CAS_INTF_ADDR_LIST (default 127.0.0.1)
///   port: 5064                 # optional: overrides EPICS_CA_SERVER_PORT (default 5064)
///   writers:                   # optional: who may write the writable PVs (PATTERN_REQ); nobody when absent
///     - { user: alice, host: bl-ws1 }
/// </code>
/// </summary>
internal sealed class EpicsSectionDto
{
    public string? Prefix { get; set; }
    public string? Interface { get; set; }
    public int? Port { get; set; }
    public List<WriterDto>? Writers { get; set; }

    internal sealed class WriterDto
    {
        public string? User { get; set; }
        public string? Host { get; set; }
    }
}

/// <summary>The Channel Access server's settings.</summary>
/// <param name="Prefix">PV name prefix, e.g. <c>TWIN:</c>.</param>
/// <param name="Interface">Address to bind instead of the environment's or 127.0.0.1, or null.</param>
/// <param name="Port">Server port instead of the environment's or 5064, or null.</param>
/// <param name="Writers">Clients (CA user name, host name) allowed to write writable PVs.</param>
public sealed record EpicsConfig(string Prefix, IPAddress? Interface = null, int? Port = null, IReadOnlyList<EpicsWriter>? Writers = null)
{
    /// <summary>Checks a PV prefix: 1–30 printable ASCII characters without spaces.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <param name="origin">Where it came from, for the message.</param>
    /// <returns>The prefix.</returns>
    /// <exception cref="FormatException">It is not.</exception>
    public static string CheckPrefix(string? prefix, string origin) =>
        prefix is { Length: > 0 and <= 30 } && prefix.All(c => c is > ' ' and <= '~')
            ? prefix : throw new FormatException($"{origin}: EPICS prefix '{prefix}' must be 1–30 printable ASCII characters without spaces, e.g. TWIN:");
}

/// <summary>A Channel Access client allowed to write: the user and host names its library sends (CLIENT_NAME, HOST_NAME).</summary>
/// <param name="User">User name, exact.</param>
/// <param name="Host">Host name, compared without case.</param>
public sealed record EpicsWriter(string User, string Host);

/// <summary>Validates the <c>epics:</c> section.</summary>
internal static class EpicsSection
{
    /// <summary>The section's settings, or null when absent.</summary>
    /// <exception cref="FormatException">A field is invalid; the message names the file and the field.</exception>
    public static EpicsConfig? Parse(EpicsSectionDto? dto, string origin)
    {
        if (dto is null) return null;
        string where = origin + ": epics";
        string prefix = EpicsConfig.CheckPrefix(dto.Prefix ?? "TWIN:", where + ".prefix");
        IPAddress? intf = null;
        if (dto.Interface is not null && (!IPAddress.TryParse(dto.Interface, out intf) || intf.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork))
            throw new FormatException($"{where}.interface '{dto.Interface}': expected an IPv4 address such as 127.0.0.1");
        if (dto.Port is { } p && p is < 1 or > 65535) throw new FormatException($"{where}.port {p.ToString(CultureInfo.InvariantCulture)}: expected 1–65535");
        var writers = new List<EpicsWriter>();
        for (int i = 0; i < (dto.Writers?.Count ?? 0); i++)
        {
            var w = dto.Writers![i];
            if (string.IsNullOrWhiteSpace(w.User) || string.IsNullOrWhiteSpace(w.Host))
                throw new FormatException($"{where}.writers[{i + 1}]: 'user' and 'host' are both required (the names the client's CA library sends)");
            writers.Add(new EpicsWriter(w.User, w.Host));
        }
        return new EpicsConfig(prefix, intf, dto.Port, writers);
    }
}
