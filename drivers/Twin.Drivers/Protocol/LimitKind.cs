namespace Twin.Drivers.Protocol;

/// <summary>The physical quantity of a step termination (<see cref="StepLimit"/>) or setpoint (<see cref="StepSetpoint"/>).</summary>
public enum LimitKind
{
    /// <summary>Terminal voltage, V.</summary>
    Voltage,
    /// <summary>Current magnitude, A.</summary>
    Current,
    /// <summary>C-rate magnitude, 1/h (0.005 for C/200); converted to amperes with the cell's nominal capacity.</summary>
    CRate,
    /// <summary>Step duration, s.</summary>
    Duration,
    /// <summary>Cathode lithium content c_Li (1 = fully lithiated), as estimated by the twin.</summary>
    LithiumContent,
}
