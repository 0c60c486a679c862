namespace Twin.Testing.Mosquitto;

/// <summary>
/// The Mosquitto deployment the README documents (section "Mosquitto with passwords and an ACL"), for one site and
/// one instrument PC: user names, and the ACL file that lets instruments write only their cells' telemetry, pattern,
/// event and reply topics and read their state, commands and the service's status; lets only the service write state
/// and alarm; and lets operators write commands.
/// </summary>
public static class TwinAcl
{
    /// <summary>User of <c>twin serve</c>.</summary>
    public const string Service = "twin-service";

    /// <summary>User of an operator (<c>twin command</c>, dashboards reading the tree).</summary>
    public const string Operator = "olga";

    /// <summary>User of the instrument PC running <c>twin drive</c> for the cells given to <see cref="For"/>.</summary>
    public const string Instrument = "drive-beamline";

    /// <summary>The ACL file text.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cells">Cells the instrument PC drives.</param>
    /// <param name="driverClientId">MQTT client id of <c>twin drive</c> (its status topic and last will).</param>
    /// <returns>The ACL (mosquitto.conf(5) <c>acl_file</c> format).</returns>
    public static string For(string site, IReadOnlyList<string> cells, string driverClientId = "twin-driver")
    {
        var acl = new System.Text.StringBuilder();
        acl.AppendLine("# twin serve: reads what instruments send; the only writer of state, alarm and its own status");
        acl.AppendLine($"user {Service}");
        acl.AppendLine($"topic read twin/v1/{site}/+/telemetry");
        acl.AppendLine($"topic read twin/v1/{site}/+/pattern");
        acl.AppendLine($"topic write twin/v1/{site}/+/state");
        acl.AppendLine($"topic write twin/v1/{site}/+/alarm");
        acl.AppendLine($"topic write twin/v1/{site}/status/{Service}");
        acl.AppendLine();
        acl.AppendLine("# twin drive on one instrument PC: writes its cells' telemetry, patterns, events and command replies;");
        acl.AppendLine("# reads their state and commands and the service's status");
        acl.AppendLine($"user {Instrument}");
        foreach (string cell in cells)
        {
            acl.AppendLine($"topic write twin/v1/{site}/{cell}/telemetry");
            acl.AppendLine($"topic write twin/v1/{site}/{cell}/pattern");
            acl.AppendLine($"topic write twin/v1/{site}/{cell}/event");
            acl.AppendLine($"topic write twin/v1/{site}/{cell}/reply/#");
            acl.AppendLine($"topic read twin/v1/{site}/{cell}/state");
            acl.AppendLine($"topic read twin/v1/{site}/{cell}/cmd/#");
        }
        acl.AppendLine($"topic read twin/v1/{site}/status/{Service}");
        acl.AppendLine($"topic write twin/v1/{site}/status/{driverClientId}");
        acl.AppendLine();
        acl.AppendLine("# operators: send commands, read everything");
        acl.AppendLine($"user {Operator}");
        acl.AppendLine($"topic write twin/v1/{site}/+/cmd/#");
        acl.AppendLine("topic read twin/v1/#");
        acl.AppendLine();
        acl.AppendLine("# every client reads the replies addressed to its own client id (twin command)");
        acl.AppendLine("pattern read twin/v1/+/+/reply/%c");
        return acl.ToString();
    }
}
