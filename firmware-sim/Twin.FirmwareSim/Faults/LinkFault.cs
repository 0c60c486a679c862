namespace Twin.FirmwareSim.Faults;

/// <summary>A link fault an operator can rehearse with <c>twin sim --fault</c>.</summary>
public enum LinkFault
{
    /// <summary>Commands are carried out, no reply is sent (<see cref="FaultInjector.SilentReplies"/>).</summary>
    Silent,
    /// <summary>Every reply line is corrupted with non-ASCII bytes (<see cref="FaultInjector.Garbage"/>).</summary>
    Garbage,
    /// <summary>The connection stays open but nothing passes either way (<see cref="FaultInjector.Blackhole"/>).</summary>
    Blackhole,
    /// <summary>The connection is closed once (<see cref="FaultInjector.DropLinkNow"/>); the driver may reconnect at once.</summary>
    Drop,
}

/// <summary>Names of <see cref="LinkFault"/> and switching them on a <see cref="FaultInjector"/>.</summary>
public static class LinkFaults
{
    /// <summary>Every fault's name, as <c>twin sim --fault</c> takes it.</summary>
    public static IReadOnlyList<string> Names { get; } = ["silent", "garbage", "blackhole", "drop"];

    /// <summary>The fault's name.</summary>
    /// <param name="fault">The fault.</param>
    /// <returns><c>silent</c>, <c>garbage</c>, <c>blackhole</c> or <c>drop</c>.</returns>
    public static string Name(this LinkFault fault) => Names[(int)fault];

    /// <summary>Parses a fault name (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <param name="fault">The fault.</param>
    /// <returns>False for an unknown name.</returns>
    public static bool TryParse(string? name, out LinkFault fault)
    {
        int i = name is null ? -1 : Names.ToList().FindIndex(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        fault = i < 0 ? default : (LinkFault)i;
        return i >= 0;
    }

    /// <summary>Switches the fault on.</summary>
    /// <param name="faults">The link's injector.</param>
    /// <param name="fault">The fault.</param>
    public static void Start(this FaultInjector faults, LinkFault fault)
    {
        switch (fault)
        {
            case LinkFault.Silent: faults.SilentReplies = true; break;
            case LinkFault.Garbage: faults.Garbage(int.MaxValue); break;
            case LinkFault.Blackhole: faults.Blackhole = true; break;
            case LinkFault.Drop: faults.DropLinkNow(); break;
        }
    }

    /// <summary>Switches the fault off (a drop has nothing to switch off).</summary>
    /// <param name="faults">The link's injector.</param>
    /// <param name="fault">The fault.</param>
    public static void Stop(this FaultInjector faults, LinkFault fault)
    {
        switch (fault)
        {
            case LinkFault.Silent: faults.SilentReplies = false; break;
            case LinkFault.Garbage: faults.Garbage(0); break;
            case LinkFault.Blackhole: faults.Blackhole = false; break;
        }
    }
}
