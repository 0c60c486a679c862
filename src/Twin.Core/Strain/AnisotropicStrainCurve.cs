namespace Twin.Core.Strain;

/// <summary>
/// Anisotropic-strain master curve along c (Jousseaume et al., Energy Environ. Sci. 2024, 17, 2753, §3.5, Fig. 7;
/// docs/model.md §3): flat at ε0 for c_Li ≥ c_crit and growing exponentially below, ε = ε0·exp((c_crit − c_Li)/λ).
/// </summary>
/// <param name="Eps0">Plateau strain ε0 above c_crit (dimensionless, e.g. 5e-4 = 0.05 %).</param>
/// <param name="Lambda">Decay length λ in units of c_Li, &gt; 0.</param>
/// <param name="CCrit">Critical lithium content c_crit.</param>
public readonly record struct AnisotropicStrainCurve(double Eps0, double Lambda, double CCrit)
{
    /// <summary>
    /// Shipped defaults: ε0 = 5·10⁻⁴, λ = 0.08, c_crit = 0.40. c_crit is the paper's critical content; the paper
    /// does not tabulate ε0 or λ, so those two are modelling assumptions that give the shape of its Fig. 7 (flat
    /// above c_crit, exponential below; ε(0.20) = e^2.5 ≈ 12 ε0), not its values. They are meant to be replaced
    /// by <see cref="StrainCalibration.Fit"/> on the user's own refinements.
    /// </summary>
    public static AnisotropicStrainCurve Default => new(5e-4, 0.08, 0.40);

    /// <summary>ε_aniso at a lithium content.</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <returns>Strain (dimensionless).</returns>
    public double Evaluate(double cLi) => cLi >= CCrit ? Eps0 : Eps0 * Math.Exp((CCrit - cLi) / Lambda);

    /// <summary>Checks the parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ε0 not positive, λ not positive, or c_crit outside (0, 1].</exception>
    public void Validate()
    {
        if (!(Eps0 > 0) || !double.IsFinite(Eps0)) throw new ArgumentOutOfRangeException(nameof(Eps0), Eps0, "ε0 must be a positive number");
        if (!(Lambda > 0) || !double.IsFinite(Lambda)) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "λ must be a positive number");
        if (!(CCrit > 0 && CCrit <= 1)) throw new ArgumentOutOfRangeException(nameof(CCrit), CCrit, "c_crit must lie in (0, 1]");
    }
}
