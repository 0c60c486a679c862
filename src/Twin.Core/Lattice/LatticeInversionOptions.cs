namespace Twin.Core.Lattice;

/// <summary>
/// Settings of <see cref="LatticeInversion"/>. Every default is a modelling assumption, stated with its reasoning in
/// docs/model.md §6.
/// </summary>
public sealed record LatticeInversionOptions
{
    /// <summary>
    /// The lattice model's own standard uncertainty in c_Li: how far along c_Li the true a(c_Li), c(c_Li) curves may sit
    /// from the model's. Default 0.01: Jousseaume et al. 2024 place the features the knots hang on to two decimals
    /// (d_IL maximum at 0.40, d_TM plateau from ≃ 0.32, steepest d_TM at ≃ 0.62, §3.4); the shapes between are the
    /// model's own (docs/model.md eqs. L1, L2). Modelling assumption. It is systematic: the same for every pattern.
    /// </summary>
    public double ModelSigmaCLi { get; init; } = 0.01;

    /// <summary>σ of a assumed when a measurement gives none, Å. Default 0.001 (modelling assumption).</summary>
    public double AssumedASigmaA { get; init; } = 0.001;

    /// <summary>σ of c assumed when a measurement gives none, Å. Default 0.005 (modelling assumption).</summary>
    public double AssumedCSigmaA { get; init; } = 0.005;

    /// <summary>
    /// Largest σ of c_Li from the measurement alone (before the model's σ) that still counts as informative.
    /// Default 0.05: a measurement that cannot tell the edges of the caution band (0.40 and 0.45) apart at one σ is
    /// refused (modelling assumption).
    /// </summary>
    public double MaxFitSigmaCLi { get; init; } = 0.05;

    /// <summary>How far beyond the knots (in c_Li) the curves are extended linearly with their end slopes. Default 0.05.</summary>
    public double ExtrapolationCLi { get; init; } = 0.05;

    /// <summary>Largest χ² of a and c against the model at the best c_Li (one degree of freedom) before the two are
    /// called inconsistent; with one parameter, before it is called outside the model. Default 9 (3σ).</summary>
    public double ConsistencyChiSquare { get; init; } = 9;

    /// <summary>A second c_Li whose χ² is within this of the best one makes the result ambiguous. Default 9 (3σ).</summary>
    public double AmbiguityChiSquare { get; init; } = 9;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A value is not positive and finite (ModelSigmaCLi and ExtrapolationCLi may be 0).</exception>
    public void Validate()
    {
        if (!(ModelSigmaCLi >= 0) || !double.IsFinite(ModelSigmaCLi)) throw new ArgumentException($"model σ {ModelSigmaCLi} must be ≥ 0");
        if (!(AssumedASigmaA > 0) || !(AssumedCSigmaA > 0)) throw new ArgumentException("assumed σ of a and c must be positive");
        if (!(MaxFitSigmaCLi > 0)) throw new ArgumentException($"largest σ {MaxFitSigmaCLi} must be positive");
        if (!(ExtrapolationCLi is >= 0 and <= 0.5)) throw new ArgumentException($"extrapolation {ExtrapolationCLi} must be in [0, 0.5]");
        if (!(ConsistencyChiSquare > 0) || !(AmbiguityChiSquare > 0)) throw new ArgumentException("χ² thresholds must be positive");
    }
}
