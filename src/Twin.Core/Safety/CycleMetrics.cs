namespace Twin.Core.Safety;

/// <summary>
/// Per-cycle safety metrics (docs/model.md §4–§5). A cycle starts at the first charge sample after a
/// discharge (cycle 0 holds whatever comes before the first charge). Times are seconds since the start
/// of the test; NaN means "did not happen".
/// </summary>
public sealed class CycleMetrics
{
    /// <summary>Cycle number as counted by the twin (0 before the first charge).</summary>
    public int Cycle { get; init; }

    /// <summary>Time of the cycle's first sample, s.</summary>
    public double StartTimeS { get; set; } = double.NaN;

    /// <summary>Time of the cycle's last sample, s.</summary>
    public double EndTimeS { get; set; } = double.NaN;

    /// <summary>Samples in the cycle.</summary>
    public long Samples { get; set; }

    /// <summary>Lowest c_Li reached.</summary>
    public double MinCLi { get; set; } = double.PositiveInfinity;

    /// <summary>Time the lowest c_Li was reached, s.</summary>
    public double MinCLiTimeS { get; set; } = double.NaN;

    /// <summary>Voltage at the lowest c_Li, V.</summary>
    public double MinCLiVoltageV { get; set; } = double.NaN;

    /// <summary>Time spent below the critical limit (0.40), s; crossings are interpolated linearly.</summary>
    public double TimeBelowCriticalS { get; set; }

    /// <summary>Time of the first sample below the critical limit, s (NaN if none).</summary>
    public double FirstCrossingTimeS { get; set; } = double.NaN;

    /// <summary>Source step of the first sample below the critical limit (0 if none).</summary>
    public int FirstCrossingStep { get; set; }

    /// <summary>Voltage at the first sample below the critical limit, V.</summary>
    public double FirstCrossingVoltageV { get; set; } = double.NaN;

    /// <summary>Most severe zone reached (with hysteresis).</summary>
    public Zone WorstZone { get; set; }

    /// <summary>Charge put in during the cycle's charge, A·h.</summary>
    public double ChargedAh { get; set; }

    /// <summary>Charge taken out during the cycle's discharge, A·h.</summary>
    public double DischargedAh { get; set; }

    /// <summary>
    /// Voltage at which c_Li first reached the cut-off limit c_Li,min during charge, V (NaN if never):
    /// learned cut-off of docs/model.md §5.
    /// </summary>
    public double CutoffReachedVoltageV { get; set; } = double.NaN;

    /// <summary>Time at which c_Li first reached c_Li,min during charge, s: when the lithium cut-off ends the charge.</summary>
    public double CutoffReachedTimeS { get; set; } = double.NaN;

    /// <summary>Source step in which c_Li first reached c_Li,min during charge.</summary>
    public int CutoffReachedStep { get; set; }

    /// <summary>Cumulative anisotropic-strain dose ∫ ε_aniso dt while critical or deep, strain·s.</summary>
    public double StrainDoseS { get; set; }

    /// <summary>
    /// Recommended voltage cut-off for the next cycle: the voltage at which c_Li,min was reached in this
    /// cycle (NaN when the charge never reached c_Li,min, i.e. the present cut-off is already safe).
    /// </summary>
    public double RecommendedCutoffV => CutoffReachedVoltageV;

    /// <summary>True when c_Li went below the critical limit in this cycle.</summary>
    public bool CrossedCritical => !double.IsNaN(FirstCrossingTimeS);

    /// <summary>c_Li estimate at the cycle's last charge sample (for a CC/CV charge: the end of the hold, the lowest
    /// c_Li of the charge), NaN before the cycle's first charge sample.</summary>
    public double EndOfChargeCLi { get; set; } = double.NaN;

    /// <summary>Standard deviation σ of <see cref="EndOfChargeCLi"/>.</summary>
    public double EndOfChargeSigma { get; set; } = double.NaN;

    /// <summary>c_Li from charge counting alone at the same sample as <see cref="EndOfChargeCLi"/>.</summary>
    public double EndOfChargeCountedCLi { get; set; } = double.NaN;

    /// <summary>Time of the cycle's last charge sample, s.</summary>
    public double EndOfChargeTimeS { get; set; } = double.NaN;

    /// <summary>c_Li estimate at the cycle's last discharge sample (the highest c_Li after the charge), NaN when the
    /// cycle has no discharge yet.</summary>
    public double EndOfDischargeCLi { get; set; } = double.NaN;

    /// <summary>Standard deviation σ of <see cref="EndOfDischargeCLi"/>.</summary>
    public double EndOfDischargeSigma { get; set; } = double.NaN;

    /// <summary>c_Li from charge counting alone at the same sample as <see cref="EndOfDischargeCLi"/>.</summary>
    public double EndOfDischargeCountedCLi { get; set; } = double.NaN;

    /// <summary>Time of the cycle's last discharge sample, s.</summary>
    public double EndOfDischargeTimeS { get; set; } = double.NaN;

    /// <summary>The filter's estimate of the effective Q_Li (Q_Li times the current gain) at the cycle's last snapshot
    /// (end of its charge, a measurement applied in it, or its end), A·h.</summary>
    public double QLiAh { get; set; } = double.NaN;

    /// <summary>Standard deviation of <see cref="QLiAh"/>, A·h.</summary>
    public double QLiSigmaAh { get; set; } = double.NaN;

    /// <summary>The filter's estimate of the current offset (measured − true current; a shuttle current reads as a
    /// negative offset on charge) at the same snapshot, A.</summary>
    public double CurrentOffsetA { get; set; } = double.NaN;

    /// <summary>Standard deviation of <see cref="CurrentOffsetA"/>, A.</summary>
    public double CurrentOffsetSigmaA { get; set; } = double.NaN;

    /// <summary>The filter's estimate of c_Li0 (c_Li at the first sample of the test) at the same snapshot.</summary>
    public double CLi0Estimate { get; set; } = double.NaN;

    /// <summary>Independent c_Li measurements (diffraction, rest voltage, operator) applied to the filter during the
    /// cycle, gated ones applied with inflated variance included.</summary>
    public int MeasurementsApplied { get; set; }

    /// <summary>Measurements of the cycle whose innovation lay beyond the gate.</summary>
    public int MeasurementsGated { get; set; }

    /// <summary>Largest |innovation|/σ_innovation of the cycle's measurements (NaN when none was placed).</summary>
    public double MaxNormalizedInnovation { get; set; } = double.NaN;

    /// <summary>Which kind of error explains a disagreement between counting and the measurements at the end of
    /// the charge (<see cref="Estimation.LithiumDiagnosis"/>; docs/model.md, "Lithium inventory per cycle").</summary>
    public Estimation.LithiumDiagnosis Diagnosis { get; set; }

    /// <summary>An independent copy.</summary>
    /// <returns>A new object with the same values.</returns>
    public CycleMetrics Clone() => (CycleMetrics)MemberwiseClone();
}
