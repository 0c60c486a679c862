namespace Twin.Data.Readers.Formats;

/// <summary>Unit texts found in cycler headers and their conversion to s, A, V, A·h and °C.</summary>
internal static class Units
{
    private static readonly Dictionary<string, double> TimeUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        [""] = 1, ["s"] = 1, ["sec"] = 1, ["secs"] = 1, ["second"] = 1, ["seconds"] = 1, ["ms"] = 1e-3,
        ["min"] = 60, ["mins"] = 60, ["minute"] = 60, ["minutes"] = 60,
        ["h"] = 3600, ["hr"] = 3600, ["hrs"] = 3600, ["hour"] = 3600, ["hours"] = 3600,
    };

    private static readonly Dictionary<string, double> CurrentUnits = new(StringComparer.Ordinal)
    {
        [""] = 1, ["A"] = 1, ["a"] = 1, ["mA"] = 1e-3, ["ma"] = 1e-3, ["µA"] = 1e-6, ["μA"] = 1e-6, ["uA"] = 1e-6, ["nA"] = 1e-9,
    };

    private static readonly Dictionary<string, double> VoltageUnits = new(StringComparer.Ordinal)
    {
        [""] = 1, ["V"] = 1, ["v"] = 1, ["mV"] = 1e-3, ["mv"] = 1e-3,
    };

    private static readonly Dictionary<string, double> ChargeUnits = new(StringComparer.Ordinal)
    {
        [""] = 1, ["Ah"] = 1, ["A.h"] = 1, ["A·h"] = 1, ["A h"] = 1, ["ah"] = 1, ["AH"] = 1, ["AHr"] = 1, ["Ahr"] = 1,
        ["mAh"] = 1e-3, ["mA.h"] = 1e-3, ["mA·h"] = 1e-3, ["mA h"] = 1e-3, ["mah"] = 1e-3, ["mAH"] = 1e-3,
        ["µAh"] = 1e-6, ["μAh"] = 1e-6, ["uAh"] = 1e-6, ["µA.h"] = 1e-6, ["μA.h"] = 1e-6, ["uA.h"] = 1e-6,
        ["C"] = 1 / 3600.0, ["mC"] = 1e-3 / 3600.0,
    };

    private static readonly Dictionary<string, (double Scale, double Offset)> TemperatureUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        [""] = (1, 0), ["C"] = (1, 0), ["°C"] = (1, 0), ["ºC"] = (1, 0), ["℃"] = (1, 0), ["degC"] = (1, 0), ["deg C"] = (1, 0),
        ["Celsius"] = (1, 0), ["K"] = (1, -273.15), ["°F"] = (5.0 / 9.0, -32 * 5.0 / 9.0), ["F"] = (5.0 / 9.0, -32 * 5.0 / 9.0),
    };

    /// <summary>The conversion of <paramref name="unit"/> for a quantity of <paramref name="kind"/>.</summary>
    public static bool TryConvert(UnitKind kind, string unit, out double scale, out double offset)
    {
        unit = unit.Trim();
        offset = 0;
        switch (kind)
        {
            case UnitKind.None:
                scale = 1;
                return true;
            case UnitKind.Time:
                // "Total Time(h:min:s.ms)", "Time(hh:mm:ss)": clock-form columns, parsed as such.
                if (unit.Contains(':'))
                {
                    scale = 1;
                    return true;
                }

                return TimeUnits.TryGetValue(unit, out scale);
            case UnitKind.Current:
                return CurrentUnits.TryGetValue(unit, out scale);
            case UnitKind.Voltage:
                return VoltageUnits.TryGetValue(unit, out scale);
            case UnitKind.Charge:
                return ChargeUnits.TryGetValue(unit, out scale);
            case UnitKind.Temperature:
                // Some exports write the degree sign in a single-byte code page; decoded as UTF-8 it becomes
                // a replacement character. Anything ending in 'C' is read as Celsius.
                if (TemperatureUnits.TryGetValue(unit, out (double Scale, double Offset) t))
                {
                    (scale, offset) = t;
                    return true;
                }

                scale = 1;
                return unit.Length <= 3 && unit.EndsWith('C');
            default:
                scale = 1;
                return false;
        }
    }

    /// <summary>The units accepted for <paramref name="kind"/>, for error messages.</summary>
    public static string Expected(UnitKind kind) => kind switch
    {
        UnitKind.Time => "s, ms, min, h",
        UnitKind.Current => "A, mA, µA",
        UnitKind.Voltage => "V, mV",
        UnitKind.Charge => "Ah, mAh, A.h, mA.h, C",
        UnitKind.Temperature => "°C, degC, K, °F",
        _ => "no unit",
    };
}
