namespace Twin.Core.Estimation;

/// <summary>What the c_Li filter does with a measurement whose innovation lies beyond the gate.</summary>
public enum GatePolicy
{
    /// <summary>Apply it with its variance inflated until the innovation sits on the gate: the estimate moves, by a
    /// bounded amount, and repeated consistent measurements still pull a filter that was wrong back (the default).</summary>
    Inflate,

    /// <summary>Leave the estimate unchanged.</summary>
    Reject,
}

/// <summary>
/// Priors and noise of the lithium-content filter (docs/model.md, "Estimator"): the uncertainties of c_Li0, Q_Li and
/// the current measurement, how fast the current offset and Q_Li may wander, the k of the lower bound c_Li − kσ and
/// the innovation gate. Every default has a source or is a stated modelling assumption.
/// </summary>
/// <param name="CLi0Sigma">Standard uncertainty of c_Li0 (c_Li at the first sample), absolute. Default 0.02:
/// modelling assumption (paper 004 derives c_Li from charge alone, ESI §S4, and reports a shift of c_Li in its
/// C/100 in situ cell from a biased lithium estimate, ESI §S5; it tabulates no uncertainty).</param>
/// <param name="QLiRelativeSigma">Relative standard uncertainty of Q_Li. Default 0.03: modelling assumption (active
/// mass and active fraction of a laboratory electrode known to a few per cent).</param>
/// <param name="CurrentGainRelativeSigma">Relative standard uncertainty of the measured current's gain (scale).
/// Default 3·10⁻⁴: Keithley 2450 datasheet (SPEC-2450 Rev. A, 2013), current measurement accuracy on the 1 A range
/// ±(0.03 % of reading + 500 µA), 23 °C ± 5 °C, one year; the limit is taken as one σ.</param>
/// <param name="CurrentOffsetSigmaA">Standard uncertainty of the measured current's offset, A (it also absorbs a
/// parasitic shuttle current). Null: <see cref="DefaultOffsetPerQLiPerHour"/> · Q_Li / 1 h (see
/// <see cref="OffsetSigmaA"/>).</param>
/// <param name="OffsetRandomWalkAPerSqrtS">Random-walk density of the current offset, A/√s. Null: the offset's σ per
/// √(1 year) (see <see cref="OffsetRandomWalk"/>).</param>
/// <param name="QLiDriftRelativePerSqrtCLi">Random walk of Q_Li, relative, per √(unit c_Li of charge throughput)
/// (loss of active material changes Q_Li as the cell cycles). Default 2·10⁻²: modelling assumption (about 2 % per
/// cycle at one σ, enough to follow an accelerated ageing test of 2 % per cycle; docs/model.md §6).</param>
/// <param name="BoundSigmas">k of the lower confidence bound c_Li − k·σ, &gt; 0. Default 2.</param>
/// <param name="GateSigmas">Innovation gate: a measurement more than this many σ of the innovation away from the
/// prediction is gated (reported, then handled by <paramref name="Gate"/>). Default 4 (a Gaussian innovation passes
/// it with probability 1 − 6·10⁻⁵).</param>
/// <param name="Gate">What happens to a gated measurement.</param>
/// <param name="OutOfRangeSigmas">c_Li is flagged out of range when it lies outside [0, 1] by more than this many σ.
/// Default 3.</param>
public sealed record LithiumFilterSettings(
    double CLi0Sigma = 0.02,
    double QLiRelativeSigma = 0.03,
    double CurrentGainRelativeSigma = 3e-4,
    double? CurrentOffsetSigmaA = null,
    double? OffsetRandomWalkAPerSqrtS = null,
    double QLiDriftRelativePerSqrtCLi = 2e-2,
    double BoundSigmas = 2,
    double GateSigmas = 4,
    GatePolicy Gate = GatePolicy.Inflate,
    double OutOfRangeSigmas = 3)
{
    /// <summary>Default offset σ per unit Q_Li/(1 h): 5·10⁻⁴, the Keithley 2450's offset term on its 1 A range
    /// (500 µA, 0.05 % of range; datasheet SPEC-2450 Rev. A) applied to a range of Q_Li/(1 h), the range of a cell
    /// cycled at up to about 1C (modelling assumption: that scaling). It covers a C/2500 shuttle current
    /// (about 2·10⁻⁴ · Q_Li/(1 h) for a cell that uses half of its c_Li range) within one σ.</summary>
    public const double DefaultOffsetPerQLiPerHour = 5e-4;

    /// <summary>Time over which the offset may wander by its own σ when no random-walk density is given, s: one year,
    /// the period over which the datasheet's accuracy holds after calibration (SPEC-2450 Rev. A: "1 year"); that the
    /// wander is a random walk reaching σ in that time is a modelling assumption. A parasitic current that changes
    /// faster (with temperature, state of charge or ageing) needs a larger density.</summary>
    public const double DefaultOffsetWanderS = 365 * 86400;

    /// <summary>The defaults.</summary>
    public static LithiumFilterSettings Default { get; } = new();

    /// <summary>The offset's standard uncertainty for a cell, A.</summary>
    /// <param name="qLiAh">The cell's Q_Li, A·h.</param>
    /// <returns><see cref="CurrentOffsetSigmaA"/>, or the default derived from Q_Li.</returns>
    public double OffsetSigmaA(double qLiAh) => CurrentOffsetSigmaA ?? DefaultOffsetPerQLiPerHour * qLiAh;

    /// <summary>The offset's random-walk density for a cell, A/√s.</summary>
    /// <param name="qLiAh">The cell's Q_Li, A·h.</param>
    /// <returns><see cref="OffsetRandomWalkAPerSqrtS"/>, or the offset's σ per √(<see cref="DefaultOffsetWanderS"/>).</returns>
    public double OffsetRandomWalk(double qLiAh) => OffsetRandomWalkAPerSqrtS ?? OffsetSigmaA(qLiAh) / Math.Sqrt(DefaultOffsetWanderS);

    /// <summary>Checks every number.</summary>
    /// <exception cref="ArgumentException">The first invalid value, named.</exception>
    public void Validate()
    {
        NonNegative(CLi0Sigma, "c_Li0 σ");
        NonNegative(QLiRelativeSigma, "Q_Li relative σ");
        NonNegative(CurrentGainRelativeSigma, "current gain relative σ");
        if (CurrentOffsetSigmaA is double b) NonNegative(b, "current offset σ (A)");
        if (OffsetRandomWalkAPerSqrtS is double w) NonNegative(w, "current offset random walk (A/√s)");
        NonNegative(QLiDriftRelativePerSqrtCLi, "Q_Li drift (relative per √c_Li)");
        if (!(QLiRelativeSigma < 0.5)) throw new ArgumentException($"Q_Li relative σ must be below 0.5, got {QLiRelativeSigma}");
        Positive(BoundSigmas, "k of the lower bound c_Li − kσ");
        Positive(GateSigmas, "innovation gate (σ)");
        Positive(OutOfRangeSigmas, "out-of-range flag (σ)");
        if (!Enum.IsDefined(Gate)) throw new ArgumentException($"gate policy {(int)Gate} is not one of {string.Join(", ", Enum.GetNames<GatePolicy>())}");
    }

    private static void NonNegative(double v, string name)
    {
        if (!(v >= 0) || !double.IsFinite(v)) throw new ArgumentException($"{name} must be a finite number ≥ 0, got {v}");
    }

    private static void Positive(double v, string name)
    {
        if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentException($"{name} must be a finite number > 0, got {v}");
    }
}
