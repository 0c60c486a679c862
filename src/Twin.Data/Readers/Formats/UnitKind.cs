namespace Twin.Data.Readers.Formats;

/// <summary>The physical quantity of a column, which decides the units it may carry.</summary>
internal enum UnitKind
{
    /// <summary>A count or code: no unit.</summary>
    None,

    /// <summary>Elapsed time, converted to seconds.</summary>
    Time,

    /// <summary>Current, converted to amperes.</summary>
    Current,

    /// <summary>Voltage, converted to volts.</summary>
    Voltage,

    /// <summary>Charge, converted to ampere-hours.</summary>
    Charge,

    /// <summary>Temperature, converted to degrees Celsius.</summary>
    Temperature,
}
