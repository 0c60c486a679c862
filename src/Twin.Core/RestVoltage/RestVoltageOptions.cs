namespace Twin.Core.RestVoltage;

/// <summary>
/// How a relaxed voltage becomes c_Li and when it is refused (<see cref="RestVoltageInversion"/>).
/// </summary>
/// <param name="VoltageAccuracyV">Standard uncertainty of the instrument's voltage reading, V (default 0.001: a
/// modelling assumption of the order of battery-cycler voltage-accuracy specifications; set your instrument's).</param>
/// <param name="RelaxationTimeConstantS">Time constant assumed for what is left of the relaxation when the rest is
/// judged relaxed: the voltage may still move by |dV/dt|·τ, which enters σ, s (default 3600; modelling assumption,
/// the remainder of an exponential decay with time constant τ).</param>
/// <param name="MaxSigmaCLi">A measurement whose σ of c_Li exceeds this is not made (the open-circuit potential is too
/// flat there for the voltage accuracy to pin c_Li; default 0.02, modelling assumption).</param>
/// <param name="GraphitePlateauMinCellVoltageV">Full cell with a graphite anode: the lowest relaxed cell voltage at
/// which the anode is taken to be on its stage-1 plateau, V. Cell-specific (it follows from the electrode balance):
/// the default 3.93 V is the LG M50's, from Chen et al., J. Electrochem. Soc. 167 (2020) 080534 — with the paper's
/// stoichiometry limits (anode 0.0279 → 0.9014, cathode 0.9084 → 0.2661 from 0 to 100 % SOC) the anode reaches the
/// plateau's lower end x = 0.66 when the cathode is at y = 0.444, where U_p − U_n of the shipped tables is 3.93 V.
/// Set it from your own cell's balance.</param>
public sealed record RestVoltageOptions(
    double VoltageAccuracyV = 1e-3,
    double RelaxationTimeConstantS = 3600,
    double MaxSigmaCLi = 0.02,
    double GraphitePlateauMinCellVoltageV = 3.93)
{
    /// <summary>The defaults.</summary>
    public static RestVoltageOptions Default { get; } = new();

    /// <summary>Checks every number.</summary>
    /// <exception cref="ArgumentException">The first invalid value, named.</exception>
    public void Validate()
    {
        if (!(VoltageAccuracyV > 0) || !double.IsFinite(VoltageAccuracyV)) throw new ArgumentException($"voltage accuracy must be a positive number of volts, got {VoltageAccuracyV}");
        if (!(RelaxationTimeConstantS >= 0) || !double.IsFinite(RelaxationTimeConstantS)) throw new ArgumentException($"relaxation time constant must be a non-negative number of seconds, got {RelaxationTimeConstantS}");
        if (!(MaxSigmaCLi > 0) || !double.IsFinite(MaxSigmaCLi)) throw new ArgumentException($"largest σ of c_Li must be a positive number, got {MaxSigmaCLi}");
        if (!double.IsFinite(GraphitePlateauMinCellVoltageV) || GraphitePlateauMinCellVoltageV <= 0)
            throw new ArgumentException($"graphite plateau cell voltage must be a positive number of volts, got {GraphitePlateauMinCellVoltageV}");
    }
}
