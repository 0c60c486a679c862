namespace Twin.Data.Readers.Bdf;

/// <summary>
/// The machine-readable column names of the Battery Data Format (Battery Data Alliance, BDF README "Defining the BDF
/// for Cycler Time-Series Data": required, recommended and optional quantities) and the preferred labels they stand
/// for, so a file written with either header reads the same. Only the quantities the readers use are listed.
/// </summary>
internal static class BdfMachineNames
{
    private static readonly Dictionary<string, string> s_preferred = new(StringComparer.OrdinalIgnoreCase)
    {
        ["test_time_second"] = "Test Time / s",
        ["voltage_volt"] = "Voltage / V",
        ["current_ampere"] = "Current / A",
        ["unix_time_second"] = "Unix Time / s",
        ["cycle_count"] = "Cycle Count / 1",
        ["step_count"] = "Step Count / 1",
        ["step_index"] = "Step Index / 1",
        ["charging_capacity_ah"] = "Charging Capacity / Ah",
        ["discharging_capacity_ah"] = "Discharging Capacity / Ah",
        ["net_capacity_ah"] = "Net Capacity / Ah",
        ["ambient_temperature_celsius"] = "Ambient Temperature / degC",
        ["temperature_t1_celsius"] = "Surface Temperature T1 / degC",
    };

    /// <summary>The preferred label ("Test Time / s") of a machine-readable name ("test_time_second"), or the name itself.</summary>
    /// <param name="name">A header cell, trimmed.</param>
    /// <returns>The preferred label, or <paramref name="name"/> when it is not a machine-readable BDF name.</returns>
    public static string Preferred(string name) => s_preferred.GetValueOrDefault(name, name);
}
