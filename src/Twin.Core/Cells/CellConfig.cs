using Twin.Core.Cutoff;
using Twin.Core.Estimation;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Core.Strain;

namespace Twin.Core.Cells;

/// <summary>Everything that defines one cell's twin.</summary>
/// <param name="CellId">Cell identifier, <c>[A-Za-z0-9_-]+</c>.</param>
/// <param name="Material">Cathode material.</param>
/// <param name="QLiAh">Charge per unit c_Li, A·h (Q_Li = m_active·q_theo, or given for a full cell).</param>
/// <param name="CLi0">c_Li at the first sample.</param>
/// <param name="Limits">Safety-window limits.</param>
/// <param name="Cutoff">Cut-off-by-lithium policy.</param>
/// <param name="Strain">Anisotropic-strain master curve.</param>
/// <param name="HeterogeneityDeltaCLi">Δc_Li used for the heterogeneity strain ε^a, ε^c of paper eqn (1)
/// (default 0.05, a modelling assumption; Jousseaume et al. 2024 plot eqn (1) for several Δc_Li in Fig. 6C–D).</param>
public sealed record CellConfig(
    string CellId,
    Material Material,
    double QLiAh,
    double CLi0,
    SafetyLimits Limits,
    LithiumCutoffPolicy Cutoff,
    AnisotropicStrainCurve Strain,
    double HeterogeneityDeltaCLi = 0.05)
{
    /// <summary>Priors and noise of the c_Li filter (uncertainties of c_Li0, Q_Li, current offset and gain; offset
    /// random walk; k of the lower bound c_Li − kσ; innovation gate). Defaults: <see cref="LithiumFilterSettings.Default"/>.</summary>
    public LithiumFilterSettings Estimator { get; init; } = LithiumFilterSettings.Default;

    /// <summary>A cell with the default limits, policy and strain curve.</summary>
    /// <param name="cellId">Cell identifier.</param>
    /// <param name="material">Cathode material.</param>
    /// <param name="qLiAh">Q_Li in A·h.</param>
    /// <param name="cLi0">c_Li at the first sample.</param>
    /// <returns>The configuration.</returns>
    public static CellConfig WithDefaults(string cellId, Material material, double qLiAh, double cLi0) =>
        new(cellId, material, qLiAh, cLi0, SafetyLimits.Default, LithiumCutoffPolicy.Default, AnisotropicStrainCurve.Default);

    /// <summary>What the cell voltage is measured against (experiment-file key <c>counter_electrode</c>); decides
    /// whether and how a relaxed voltage gives c_Li. <see cref="Cells.CounterElectrode.Unspecified"/> (the default)
    /// makes no rest-voltage measurement.</summary>
    public CounterElectrode CounterElectrode { get; init; } = CounterElectrode.Unspecified;

    /// <summary>Checks every number.</summary>
    /// <exception cref="ArgumentException">The first invalid value, named.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(CellId) || !CellId.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-'))
            throw new ArgumentException($"cell id '{CellId}' must match [A-Za-z0-9_-]+");
        if (!(QLiAh > 0) || !double.IsFinite(QLiAh)) throw new ArgumentException($"Q_Li must be a positive number of A·h, got {QLiAh}");
        if (!(CLi0 > 0 && CLi0 <= 1.2)) throw new ArgumentException($"c_Li at the start must lie in (0, 1.2], got {CLi0}");
        if (!(HeterogeneityDeltaCLi >= 0 && HeterogeneityDeltaCLi < 0.5))
            throw new ArgumentException($"heterogeneity Δc_Li must lie in [0, 0.5), got {HeterogeneityDeltaCLi}");
        if (!Enum.IsDefined(CounterElectrode)) throw new ArgumentException($"counter electrode {(int)CounterElectrode} is not defined");
        if (Estimator is null) throw new ArgumentException("the estimator settings must be given");
        Estimator.Validate();
        Limits.Validate();
        Cutoff.Validate();
        Strain.Validate();
    }
}
