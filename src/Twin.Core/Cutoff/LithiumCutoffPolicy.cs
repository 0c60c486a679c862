namespace Twin.Core.Cutoff;

/// <summary>
/// Cut-off by lithium content (docs/model.md §5): end the charge when the lower confidence bound of c_Li
/// (c_Li − k·σ, <see cref="Estimation.LithiumFilterSettings.BoundSigmas"/>) reaches c_Li,min, or the hard voltage
/// limit is reached, whichever comes first.
/// </summary>
/// <param name="CLiMin">Lithium-content limit c_Li,min for the lower bound (default 0.40: the critical content of
/// Jousseaume et al. 2024, §3.5; the margin for the estimate's error is the statistical k·σ, no longer a fixed 0.02).</param>
/// <param name="HardVoltageLimitV">Hard upper voltage, V (default 4.2, the upper voltage of the paper's cycling
/// protocol, §2.2). The twin never relaxes it.</param>
/// <param name="Enabled">When false only the voltage limit applies.</param>
public sealed record LithiumCutoffPolicy(double CLiMin = 0.40, double HardVoltageLimitV = 4.2, bool Enabled = true)
{
    /// <summary>The defaults of docs/model.md §5.</summary>
    public static LithiumCutoffPolicy Default { get; } = new();

    /// <summary>Checks the limits.</summary>
    /// <exception cref="ArgumentException">c_Li,min outside (0, 1) or a non-positive voltage limit.</exception>
    public void Validate()
    {
        if (!(CLiMin > 0 && CLiMin < 1)) throw new ArgumentException($"c_Li,min must lie in (0, 1), got {CLiMin}");
        if (!(HardVoltageLimitV > 0) || !double.IsFinite(HardVoltageLimitV))
            throw new ArgumentException($"hard voltage limit must be a positive number of volts, got {HardVoltageLimitV}");
    }

    /// <summary>Decision for a charge step at the present state.</summary>
    /// <param name="cLiLowerBound">Present lower confidence bound of c_Li, c_Li − k·σ (with σ = 0: the point estimate).</param>
    /// <param name="voltageV">Present voltage, V.</param>
    /// <param name="charging">True during a charge step; outside charge the answer is always Continue.</param>
    /// <returns>Continue, StopLithium or StopVoltage.</returns>
    public CutoffDecision Decide(double cLiLowerBound, double voltageV, bool charging)
    {
        if (!charging) return CutoffDecision.Continue;
        if (Enabled && cLiLowerBound <= CLiMin) return CutoffDecision.StopLithium;
        if (voltageV >= HardVoltageLimitV) return CutoffDecision.StopVoltage;
        return CutoffDecision.Continue;
    }
}
