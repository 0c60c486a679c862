namespace Twin.Drivers.IoBox;

/// <summary>One temperature from the I/O box.</summary>
/// <param name="TemperatureC">Temperature, °C.</param>
/// <param name="Counts">The ADC counts it was converted from.</param>
/// <param name="VoltageV">The sensor voltage the counts stand for, V.</param>
/// <param name="TimeUnixNs">When the board's report arrived, ns since the Unix epoch (host clock).</param>
/// <param name="Age">How old the report was when it was read.</param>
public readonly record struct TemperatureReading(double TemperatureC, uint Counts, double VoltageV, long TimeUnixNs, TimeSpan Age);
