namespace Twin.Drivers.Protocol;

/// <summary>What a Charge, Discharge or Hold step sources.</summary>
/// <param name="Value">Positive and finite, in the unit of <paramref name="Unit"/>.</param>
/// <param name="Unit"><see cref="LimitKind.Current"/> (A, magnitude; the action gives the sign),
/// <see cref="LimitKind.CRate"/> (1/h, magnitude) for Charge/Discharge, or <see cref="LimitKind.Voltage"/> (V) for Hold.</param>
public sealed record StepSetpoint(double Value, LimitKind Unit);
