namespace Twin.Drivers.Instruments;

/// <summary>
/// Meaning of one comma-separated field of a measurement reply in an instrument profile. YAML names:
/// <c>voltage_V</c>, <c>voltage_mV</c>, <c>current_A</c>, <c>current_mA</c>, <c>current_uA</c>, <c>time_unix_s</c>,
/// <c>time_frac_s</c>, <c>temperature_C</c>, <c>compliance</c> (0/1), <c>ignore</c>.
/// </summary>
public enum ProfileField
{
    /// <summary>Field is skipped.</summary>
    Ignore,
    /// <summary>Voltage in volts.</summary>
    VoltageV,
    /// <summary>Voltage in millivolts.</summary>
    VoltageMv,
    /// <summary>Current in amperes.</summary>
    CurrentA,
    /// <summary>Current in milliamperes.</summary>
    CurrentMa,
    /// <summary>Current in microamperes.</summary>
    CurrentUa,
    /// <summary>Timestamp in seconds since the Unix epoch (may carry a fraction).</summary>
    TimeUnixS,
    /// <summary>Fractional seconds added to <see cref="TimeUnixS"/>.</summary>
    TimeFracS,
    /// <summary>Temperature in °C.</summary>
    TemperatureC,
    /// <summary>Compliance flag, 0 or 1.</summary>
    Compliance,
}

/// <summary>YAML names of <see cref="ProfileField"/>.</summary>
public static class ProfileFieldNames
{
    private static readonly Dictionary<string, ProfileField> ByName = new(StringComparer.Ordinal)
    {
        ["ignore"] = ProfileField.Ignore, ["voltage_V"] = ProfileField.VoltageV, ["voltage_mV"] = ProfileField.VoltageMv,
        ["current_A"] = ProfileField.CurrentA, ["current_mA"] = ProfileField.CurrentMa, ["current_uA"] = ProfileField.CurrentUa,
        ["time_unix_s"] = ProfileField.TimeUnixS, ["time_frac_s"] = ProfileField.TimeFracS,
        ["temperature_C"] = ProfileField.TemperatureC, ["compliance"] = ProfileField.Compliance,
    };

    /// <summary>All accepted names, for error messages.</summary>
    public static string Accepted => string.Join(", ", ByName.Keys);

    /// <summary>Looks a name up.</summary>
    public static bool TryParse(string name, out ProfileField field) => ByName.TryGetValue(name, out field);
}
