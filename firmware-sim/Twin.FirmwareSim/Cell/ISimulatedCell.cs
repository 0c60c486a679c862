namespace Twin.FirmwareSim.Cell;

/// <summary>What the simulated source-measure unit applies to the cell.</summary>
public enum SourceMode
{
    /// <summary>Output off in high-impedance mode: no current flows.</summary>
    Off,
    /// <summary>Galvanostatic: source <see cref="SourceSetting.Level"/> amperes, voltage limited to <see cref="SourceSetting.Limit"/> volts (compliance).</summary>
    Current,
    /// <summary>Potentiostatic: source <see cref="SourceSetting.Level"/> volts, current limited to ±<see cref="SourceSetting.Limit"/> amperes (compliance).</summary>
    Voltage,
}

/// <summary>The source setting applied over a time step.</summary>
/// <param name="Mode">Off, current or voltage source.</param>
/// <param name="Level">Amperes (positive = charge) for <see cref="SourceMode.Current"/>, volts for <see cref="SourceMode.Voltage"/>.</param>
/// <param name="Limit">Compliance: the upper terminal voltage, V, in current mode; the current magnitude, A, in voltage mode.</param>
/// <remarks>
/// Current mode with compliance behaves like the Keithley 2450: when the terminal voltage would pass the
/// voltage limit the unit holds the voltage at the limit and the current magnitude falls. A discharge
/// (Level &lt; 0) is not limited from below: the driver ends it by its own voltage condition.
/// </remarks>
public readonly record struct SourceSetting(SourceMode Mode, double Level, double Limit)
{
    /// <summary>Output off (high impedance).</summary>
    public static SourceSetting Off => new(SourceMode.Off, 0, 0);
}

/// <summary>What the cell did over one <see cref="ISimulatedCell.Advance"/> call, at its end.</summary>
/// <param name="VoltageV">Terminal voltage, V.</param>
/// <param name="CurrentA">Current, A (positive = charge).</param>
/// <param name="InCompliance">Whether the source limit was active (voltage held at the limit in current mode, current clipped in voltage mode).</param>
public readonly record struct CellReading(double VoltageV, double CurrentA, bool InCompliance);

/// <summary>
/// A simulated lithium-ion cell seen from its terminals: the state advances in simulated time under a
/// source setting; the cathode lithium content is exposed so a simulated diffractometer can place reflections.
/// </summary>
public interface ISimulatedCell
{
    /// <summary>Advances the cell by <paramref name="dtS"/> simulated seconds under <paramref name="setting"/>.</summary>
    /// <param name="dtS">Seconds (≥ 0); implementations sub-step internally so any value is stable.</param>
    /// <param name="setting">Source setting held over the interval.</param>
    /// <returns>Terminal voltage and current at the end of the interval.</returns>
    CellReading Advance(double dtS, SourceSetting setting);

    /// <summary>Last terminal voltage, V.</summary>
    double VoltageV { get; }

    /// <summary>Last current, A (positive = charge).</summary>
    double CurrentA { get; }

    /// <summary>Cell temperature, °C.</summary>
    double TemperatureC { get; }

    /// <summary>Cathode lithium content c_Li (1 = fully lithiated): the simulator's truth, which charge counting
    /// approximates.</summary>
    double CathodeCLi { get; }

    /// <summary>The cathode's charge per unit c_Li now, A·h: the true Q_Li (positive; it may shrink as the cell ages,
    /// see <see cref="CellParameters.ActiveMaterialLossPerCycle"/>).</summary>
    double CathodeCapacityAh { get; }

    /// <summary>Charge passed since the start, A·h (positive = charge).</summary>
    double ChargeAh { get; }

    /// <summary>Completed charge/discharge cycles (a cycle is counted at the start of a charge after a discharge).</summary>
    int Cycle { get; }
}
