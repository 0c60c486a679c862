namespace Twin.Drivers.Instruments;

/// <summary>One measurement of a source-measure unit or potentiostat channel.</summary>
/// <param name="TimeUnixNs">When the reading was taken, ns since the Unix epoch (UTC): the instrument's reading-buffer
/// timestamp when it provides one, else the host clock at the reply.</param>
/// <param name="VoltageV">Cell voltage, V.</param>
/// <param name="CurrentA">Cell current, A; positive = charge (delithiation of the cathode), whatever the instrument's own convention.</param>
/// <param name="TemperatureC">Cell temperature, °C, when the instrument measures one.</param>
/// <param name="InCompliance">Whether the instrument reports its source limit (compliance) as active.</param>
public readonly record struct SmuReading(long TimeUnixNs, double VoltageV, double CurrentA, double? TemperatureC, bool InCompliance);
