using System.Globalization;
using Twin.FirmwareSim;
using Twin.Service.Security;

namespace Twin.Cli.Demo;

/// <summary>Writes the experiment file of the demo: the simulated coin cell, its twin, and its instrument section.</summary>
internal static class DemoExperiment
{
    /// <summary>The demo's cycling protocol (sampling periods in simulated time).</summary>
    public static string Protocol(int cycles) => $"""
        Rest for 10 minutes (1 minute period)
        Repeat {cycles} times:
            Charge at C/5 until 4.2 V (30 second period)
            Hold at 4.2 V until C/50 or 2 hours (30 second period)
            Rest for 30 minutes (1 minute period)
            Discharge at C/5 until 2.75 V (10 second period)
            Rest for 30 minutes (1 minute period)
        """;

    /// <summary>Key file of the demo's twin key (relative to the output folder).</summary>
    public const string TwinKeyFile = "keys/demo-twin.key";

    /// <summary>Key file of the demo's operator key (relative to the output folder).</summary>
    public const string OperatorKeyFile = "keys/demo-operator.key";

    /// <summary>Writes <c>experiment.yaml</c> for a running simulator, with a <c>security:</c> section whose key files are
    /// created in <c>keys/</c> when missing, and returns its path.</summary>
    public static string Write(string dir, SimulatorHost sim, DemoOptions o)
    {
        var c = sim.Options.Cell;
        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        string protocol = string.Join("\n", Protocol(o.Cycles).Split('\n').Select(l => "        " + l));
        // the twin signs its states, operators their commands; the driver believes nothing else (keys kept across runs)
        foreach (string key in new[] { TwinKeyFile, OperatorKeyFile })
            if (!File.Exists(Path.Combine(dir, key))) KeyFile.Create(Path.Combine(dir, key));
        string yaml = $$"""
            # Written by `twin demo`: a simulated NMC811‖graphite coin cell on a simulated Keithley 2450,
            # a diffractometer trigger box, and the twin of the cell. Edit and run with `twin drive --config`.
            site: demo
            security:                # made with `twin keygen`; send a signed command with `twin command`
              keys:
                - { id: demo-twin, role: twin, file: {{TwinKeyFile}} }
                - { id: demo-operator, role: operator, file: {{OperatorKeyFile}} }
            dashboard:
              anonymous_read: true   # the demo's dashboard is read-only for everyone; add users with `twin passwd`
            cells:
              - id: coin-1
                material: {{sim.Options.Material}}
                q_li_Ah: {{F(c.PositiveCapacityAh)}}
                c_li0: {{F(c.InitialCathodeCLi)}}
                cutoff: { c_li_min: 0.40, v_max: 4.2, enabled: {{(o.LithiumCutoff ? "true" : "false")}} }
                instrument:
                  driver: keithley2450
                  address: {{sim.SmuAddress}}
                  nominal_capacity_Ah: {{F(c.NominalCapacityAh)}}
                  limits: { max_voltage_V: 4.25, min_voltage_V: 2.0, max_current_A: {{F(Math.Round(c.NominalCapacityAh * 2, 6))}}, max_temperature_C: 45 }
                  safe_cutoff_V: 4.15
                  watchdog_s: 2
                  time_scale: {{F(o.Speed)}}
                  lithium_cutoff: {{(o.LithiumCutoff ? "true" : "false")}}
                  patterns: { trigger: "{{sim.TriggerAddress}}", schedule: "every 0.05 c_Li; every 0.01 c_Li below 0.5", exposure_s: 60 }
                  protocol: |
            {{protocol}}
            """;
        string path = Path.Combine(dir, "experiment.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
