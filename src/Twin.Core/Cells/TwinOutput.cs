using Twin.Core.Cutoff;
using Twin.Core.Safety;

namespace Twin.Core.Cells;

/// <summary>The twin's answer to one sample. Units in the names: s, V, A, A·h, Å; strains dimensionless.</summary>
/// <param name="TimeS">Sample time, s since the start of the test.</param>
/// <param name="VoltageV">Cell voltage, V.</param>
/// <param name="CurrentA">Current, A, positive on charge.</param>
/// <param name="ChargeAh">Net charge since the start, A·h, positive on charge.</param>
/// <param name="CLi">Cathode lithium content: the filter's estimate (equal to counting until a measurement is applied).</param>
/// <param name="AA">a = d_TM, Å.</param>
/// <param name="CA">c, Å.</param>
/// <param name="VolumeA3">Unit-cell volume, Å³.</param>
/// <param name="EpsA">Heterogeneity strain along a, paper eqn (1).</param>
/// <param name="EpsC">Heterogeneity strain along c, paper eqn (1).</param>
/// <param name="EpsAniso">Anisotropic strain from the master curve.</param>
/// <param name="Zone">Zone after this sample (with hysteresis), of the lower bound <paramref name="CLiLowerBound"/>.</param>
/// <param name="PreviousZone">Zone before this sample; differs from <paramref name="Zone"/> on a transition.</param>
/// <param name="Cycle">Cycle number counted by the twin.</param>
/// <param name="Step">The source's step number.</param>
/// <param name="Charging">True when the sample belongs to a charge step.</param>
/// <param name="NewCycle">True on the first sample of a new cycle.</param>
/// <param name="TimeToCriticalS">Time until the lower bound reaches the critical limit at the present rate of c_Li, s
/// (0 when already below, +∞ when c_Li is not falling).</param>
/// <param name="Decision">Cut-off decision for this sample (on the lower bound).</param>
/// <param name="CLiSigma">Standard deviation σ of <paramref name="CLi"/>.</param>
/// <param name="CLiCounted">c_Li from charge counting alone, c_Li0 − Q/Q_Li with the configured values.</param>
/// <param name="CLiLowerBound">Lower confidence bound c_Li − k·σ (k from the cell's estimator settings, default 2).</param>
/// <param name="CLiOutOfRange">True when c_Li lies outside [0, 1] by more than the settings' out-of-range σ (default 3σ).</param>
/// <param name="LatticeExtrapolated">True when c_Li is outside the lattice model's knots and its end values were used.</param>
public readonly record struct TwinOutput(
    double TimeS,
    double VoltageV,
    double CurrentA,
    double ChargeAh,
    double CLi,
    double AA,
    double CA,
    double VolumeA3,
    double EpsA,
    double EpsC,
    double EpsAniso,
    Zone Zone,
    Zone PreviousZone,
    int Cycle,
    int Step,
    bool Charging,
    bool NewCycle,
    double TimeToCriticalS,
    CutoffDecision Decision,
    double CLiSigma = 0,
    double CLiCounted = double.NaN,
    double CLiLowerBound = double.NaN,
    bool CLiOutOfRange = false,
    bool LatticeExtrapolated = false)
{
    /// <summary>Interlayer distance d_IL = c/3, Å.</summary>
    public double DIlA => CA / 3.0;

    /// <summary>TM–TM distance d_TM = a, Å.</summary>
    public double DTmA => AA;

    /// <summary>True when this sample changed the zone.</summary>
    public bool ZoneChanged => Zone != PreviousZone;
}
