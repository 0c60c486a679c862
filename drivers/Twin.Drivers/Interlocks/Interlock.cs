using Twin.Drivers.Instruments;

namespace Twin.Drivers.Interlocks;

/// <summary>
/// Enforces <see cref="HardLimits"/>: refuses setpoints outside them before anything reaches the instrument, and
/// checks every reading (the runner turns the output off and stops on a trip).
/// </summary>
public sealed class Interlock
{
    /// <summary>Creates the interlock.</summary>
    /// <exception cref="ArgumentException">The limits are inconsistent (see <see cref="HardLimits.Validate"/>).</exception>
    public Interlock(HardLimits limits)
    {
        limits.Validate();
        Limits = limits;
    }

    /// <summary>The limits enforced.</summary>
    public HardLimits Limits { get; }

    /// <summary>Checks a galvanostatic setpoint and returns the voltage compliance to program (never above the hard maximum).</summary>
    /// <param name="currentA">Requested current, A (positive = charge).</param>
    /// <param name="voltageLimitV">Requested voltage limit, V, or null for the hard maximum.</param>
    /// <exception cref="InterlockException">The current magnitude exceeds the hard limit, or a value is not finite.</exception>
    public double CheckCurrentSetpoint(double currentA, double? voltageLimitV = null)
    {
        if (!double.IsFinite(currentA)) throw new InterlockException($"current setpoint {currentA} A is not a finite number");
        if (Math.Abs(currentA) > Limits.MaxCurrentA)
            throw new InterlockException($"current setpoint {currentA:0.######} A exceeds the hard limit ±{Limits.MaxCurrentA:0.######} A");
        double v = voltageLimitV ?? Limits.MaxVoltageV;
        if (!double.IsFinite(v)) throw new InterlockException($"voltage limit {v} V is not a finite number");
        return Math.Min(v, Limits.MaxVoltageV);
    }

    /// <summary>Checks a potentiostatic setpoint and returns the current compliance to program (never above the hard maximum).</summary>
    /// <param name="voltageV">Requested voltage, V.</param>
    /// <param name="currentLimitA">Requested current limit magnitude, A, or null for the hard maximum.</param>
    /// <exception cref="InterlockException">The voltage lies outside the hard window, or a value is not finite.</exception>
    public double CheckVoltageSetpoint(double voltageV, double? currentLimitA = null)
    {
        if (!double.IsFinite(voltageV)) throw new InterlockException($"voltage setpoint {voltageV} V is not a finite number");
        if (voltageV > Limits.MaxVoltageV || voltageV < Limits.MinVoltageV)
            throw new InterlockException($"voltage setpoint {voltageV:0.000} V lies outside the hard window {Limits.MinVoltageV:0.000}–{Limits.MaxVoltageV:0.000} V");
        double i = Math.Abs(currentLimitA ?? Limits.MaxCurrentA);
        if (!double.IsFinite(i)) throw new InterlockException($"current limit {currentLimitA} A is not a finite number");
        return Math.Min(i, Limits.MaxCurrentA);
    }

    /// <summary>Checks one reading against the hard limits.</summary>
    /// <returns>The first limit crossed, or null when the reading is inside all of them.</returns>
    public InterlockTrip? Check(in SmuReading reading)
    {
        if (reading.VoltageV > Limits.MaxVoltageV) return new InterlockTrip("voltage", reading.VoltageV, Limits.MaxVoltageV);
        // Sourcing current in compliance at the hard maximum: the instrument is holding the cell at the limit.
        if (reading.InCompliance && reading.VoltageV >= Limits.MaxVoltageV - 1e-3) return new InterlockTrip("voltage", reading.VoltageV, Limits.MaxVoltageV);
        if (reading.VoltageV < Limits.MinVoltageV) return new InterlockTrip("voltage", reading.VoltageV, Limits.MinVoltageV);
        // A small tolerance for measurement noise at a setpoint equal to the limit (0.5 %).
        if (Math.Abs(reading.CurrentA) > Limits.MaxCurrentA * 1.005) return new InterlockTrip("current", reading.CurrentA, Limits.MaxCurrentA);
        if (reading.TemperatureC is { } t && t > Limits.MaxTemperatureC) return new InterlockTrip("temperature", t, Limits.MaxTemperatureC);
        return null;
    }
}
