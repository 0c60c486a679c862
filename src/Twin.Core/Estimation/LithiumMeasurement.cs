namespace Twin.Core.Estimation;

/// <summary>What measured a lithium content independently of charge counting.</summary>
public enum LithiumMeasurementKind
{
    /// <summary>Lattice parameters of a diffraction pattern (fitted here or by the beamline), inverted through the material's lattice model.</summary>
    Diffraction,

    /// <summary>The relaxed voltage at rest, inverted through the electrode's open-circuit potential.</summary>
    RestVoltage,

    /// <summary>A value an operator set (audited).</summary>
    Operator,
}

/// <summary>
/// One measurement of the cathode lithium content c_Li (lithium per formula unit of the layered oxide), with its
/// standard uncertainty, to correct the counted estimate.
/// </summary>
/// <param name="TimeS">When it applies (for a pattern: mid-exposure), s on the sample clock.</param>
/// <param name="CLi">Measured c_Li (may lie slightly outside [0, 1] within its uncertainty).</param>
/// <param name="Sigma">Standard uncertainty of <paramref name="CLi"/> (one σ), &gt; 0.</param>
/// <param name="Kind">What measured it.</param>
public readonly record struct LithiumMeasurement(double TimeS, double CLi, double Sigma, LithiumMeasurementKind Kind)
{
    /// <summary>True when the value and its σ are finite and σ is positive: a measurement an estimator may use.</summary>
    public bool IsUsable => double.IsFinite(TimeS) && double.IsFinite(CLi) && double.IsFinite(Sigma) && Sigma > 0;
}
