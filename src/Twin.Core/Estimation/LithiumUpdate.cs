namespace Twin.Core.Estimation;

/// <summary>What the c_Li filter did with a measurement.</summary>
public enum LithiumUpdateStatus
{
    /// <summary>Applied: the innovation lay within the gate.</summary>
    Applied,

    /// <summary>Gated (innovation beyond the gate) and applied with its variance inflated until the innovation sat on
    /// the gate (<see cref="GatePolicy.Inflate"/>).</summary>
    GatedInflated,

    /// <summary>Gated and not applied (<see cref="GatePolicy.Reject"/>).</summary>
    GatedRejected,

    /// <summary>Not applied: its value, σ or time was not a finite number, or σ was not positive.</summary>
    Unusable,

    /// <summary>Not applied: it refers to a time before the oldest sample the filter still remembers (or before the
    /// restart it resumed from), so it cannot be placed on the counted charge.</summary>
    TooOld,

    /// <summary>Not applied: it refers to a time after the last sample; feed the samples up to it first.</summary>
    AheadOfSamples,

    /// <summary>Not applied: the update would have made Q_Li non-positive or the state non-finite.</summary>
    Diverged,
}

/// <summary>
/// The result of offering one <see cref="LithiumMeasurement"/> to the c_Li filter: what it did and by how much the
/// measurement disagreed with the prediction.
/// </summary>
/// <param name="Status">What happened.</param>
/// <param name="Measurement">The measurement offered.</param>
/// <param name="PredictedCLi">The filter's c_Li at the measurement's time before the update (NaN when not placed).</param>
/// <param name="InnovationSigma">Standard deviation of the innovation, √(σ_pred² + σ_meas²) (NaN when not placed).</param>
/// <param name="NormalizedInnovation">(measured − predicted) / <paramref name="InnovationSigma"/>, the Mahalanobis
/// distance with its sign (NaN when not placed).</param>
/// <param name="CLiBefore">c_Li estimate at the last sample before the update.</param>
/// <param name="SigmaBefore">Its σ.</param>
/// <param name="CLiAfter">c_Li estimate at the last sample after the update (= before when not applied).</param>
/// <param name="SigmaAfter">Its σ.</param>
public readonly record struct LithiumUpdate(
    LithiumUpdateStatus Status,
    LithiumMeasurement Measurement,
    double PredictedCLi,
    double InnovationSigma,
    double NormalizedInnovation,
    double CLiBefore,
    double SigmaBefore,
    double CLiAfter,
    double SigmaAfter)
{
    /// <summary>Measured minus predicted c_Li (NaN when not placed).</summary>
    public double Innovation => Measurement.CLi - PredictedCLi;

    /// <summary>True when the innovation lay beyond the gate (applied inflated or rejected).</summary>
    public bool Gated => Status is LithiumUpdateStatus.GatedInflated or LithiumUpdateStatus.GatedRejected;

    /// <summary>True when the estimate was changed.</summary>
    public bool Changed => Status is LithiumUpdateStatus.Applied or LithiumUpdateStatus.GatedInflated;
}
