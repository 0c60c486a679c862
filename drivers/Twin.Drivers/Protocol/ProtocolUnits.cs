namespace Twin.Drivers.Protocol;

/// <summary>Unit words of the protocol language (lower case) and their SI factors.</summary>
internal static class ProtocolUnits
{
    /// <summary>Time units → seconds.</summary>
    public static readonly IReadOnlyDictionary<string, double> Time = new Dictionary<string, double>
    {
        ["s"] = 1, ["sec"] = 1, ["secs"] = 1, ["second"] = 1, ["seconds"] = 1,
        ["min"] = 60, ["mins"] = 60, ["minute"] = 60, ["minutes"] = 60,
        ["h"] = 3600, ["hr"] = 3600, ["hrs"] = 3600, ["hour"] = 3600, ["hours"] = 3600,
        ["day"] = 86400, ["days"] = 86400,
    };

    /// <summary>Voltage units → volts.</summary>
    public static readonly IReadOnlyDictionary<string, double> Voltage = new Dictionary<string, double>
    {
        ["v"] = 1, ["mv"] = 1e-3,
    };

    /// <summary>Current units → amperes (µ as micro sign U+00B5 or Greek mu U+03BC, or u).</summary>
    public static readonly IReadOnlyDictionary<string, double> Current = new Dictionary<string, double>
    {
        ["a"] = 1, ["ma"] = 1e-3, ["\u00b5a"] = 1e-6, ["\u03bca"] = 1e-6, ["ua"] = 1e-6,
    };

    /// <summary>Units of quantities the language deliberately does not support (power, resistance).</summary>
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>
    {
        ["w"] = "power", ["mw"] = "power", ["kw"] = "power",
        ["ohm"] = "resistance", ["ohms"] = "resistance", ["\u03c9"] = "resistance", ["\u2126"] = "resistance",
    };

    /// <summary>Human-readable list of accepted time units for messages.</summary>
    public const string TimeList = "s, min, h or day";
}
