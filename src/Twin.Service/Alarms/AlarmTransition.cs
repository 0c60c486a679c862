using Twin.Core.Safety;

namespace Twin.Service.Alarms;

/// <summary>A zone transition of a cell, as the alarm book needs it.</summary>
/// <param name="To">The zone entered.</param>
/// <param name="TimeUnixNs">Sample time of the transition, ns since the Unix epoch.</param>
/// <param name="CLi">c_Li at the transition.</param>
/// <param name="VoltageV">Voltage at the transition, V.</param>
/// <param name="Step">Source step.</param>
public readonly record struct AlarmTransition(Zone To, long TimeUnixNs, double CLi, double VoltageV, int Step);
