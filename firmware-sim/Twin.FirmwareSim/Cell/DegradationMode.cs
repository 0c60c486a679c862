namespace Twin.FirmwareSim.Cell;

/// <summary>
/// Ways the simulated cell (or its instrument) ages or errs so that lithium counted from the charge passed and the
/// cathode's true lithium content part — or, for <see cref="Sei"/>, so that they do not. Each comes with a magnitude
/// (<see cref="Degradation"/>).
/// </summary>
public enum DegradationMode
{
    /// <summary>
    /// Lithium lost to SEI growth at the anode: a fraction f of the intercalation charge passed on charge is consumed
    /// at the anode instead of stored (<see cref="CellParameters.SeiLossFraction"/>). Every A·h still delithiates the
    /// cathode by 1/Q_p, so counting of cathode lithium stays right; the cathode's c_Li range shifts down cycle by
    /// cycle because the anode has less lithium to give back on discharge. Magnitude: f, dimensionless.
    /// </summary>
    Sei,

    /// <summary>
    /// A parasitic shuttle current I_sh through the cell (<see cref="CellParameters.ShuttleCurrentA"/>): the SMU
    /// measures it, the cathode does not see it; at rest it self-discharges the cell. Counted c_Li falls behind the
    /// true one by I_sh·t/Q_p. Magnitude: I_sh in multiples of 1C (the cell's nominal capacity per hour).
    /// </summary>
    Shuttle,

    /// <summary>
    /// The SMU's current measurement reads the true current plus a constant offset I_off, and its current source
    /// regulates on that reading (so it sources Level − I_off). Counted c_Li moves by −I_off·t/Q_p against the true
    /// one. Magnitude: I_off in multiples of 1C, either sign.
    /// </summary>
    Offset,

    /// <summary>
    /// The cathode loses a fraction m of its active material per cycle (<see cref="CellParameters.ActiveMaterialLossPerCycle"/>):
    /// Q_Li shrinks, c_Li per A·h grows, and counting with the original Q_Li under-states each charge's swing of c_Li
    /// (counted c_Li above the true one at the end of a charge). Magnitude: m per cycle, dimensionless.
    /// </summary>
    Lam,
}
