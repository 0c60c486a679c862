namespace Twin.Cli.Demo;

/// <summary>Settings of <c>twin demo</c>.</summary>
/// <param name="OutDir">Output folder (experiment file, twin data, patterns, CSV, events).</param>
/// <param name="Speed">Simulated seconds per wall-clock second.</param>
/// <param name="Cycles">CC-CV cycles.</param>
/// <param name="LithiumCutoff">End charges by lithium content (the twin's cut-off) — else by the 4.2 V cut-off only.</param>
/// <param name="Urls">Address of the embedded twin's REST API.</param>
/// <param name="StatusPeriodS">Console status-line period, s.</param>
internal sealed record DemoOptions(string OutDir, double Speed = 1500, int Cycles = 2, bool LithiumCutoff = true, string Urls = "http://127.0.0.1:5080", double StatusPeriodS = 5)
{
    /// <summary>Degradation modes of the simulated cell (<c>--degrade</c>); none by default.</summary>
    public IReadOnlyList<Twin.FirmwareSim.Cell.Degradation> Degradation { get; init; } = [];

    /// <summary>Where the embedded twin's MQTT broker listens (<c>--mqtt-listen</c>; <c>twin demo</c> defaults to 127.0.0.1:1883), or
    /// null: driver and twin share an in-process bus.</summary>
    public Twin.Service.Broker.BrokerListen? Broker { get; init; }

    /// <summary>Serve the embedded twin over EPICS Channel Access with this PV prefix (<c>--epics</c>), or null.</summary>
    public string? EpicsPrefix { get; init; }
}
