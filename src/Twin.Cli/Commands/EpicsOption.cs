using System.CommandLine;

namespace Twin.Cli.Commands;

/// <summary>The <c>--epics PREFIX</c> option of serve, drive and demo.</summary>
internal static class EpicsOption
{
    /// <summary>Creates the option.</summary>
    public static Option<string?> Create() => new("--epics")
    {
        Description = "Serve the twin over EPICS Channel Access with this PV prefix, e.g. TWIN: gives TWIN:coin-1:CLI (port from EPICS_CA_SERVER_PORT, default 5064; bound to 127.0.0.1 unless EPICS_CAS_INTF_ADDR_LIST or the experiment file's epics: section says otherwise)",
    };
}
