namespace Twin.Core.Materials;

/// <summary>
/// A layered-oxide cathode material: pristine lattice (Jousseaume et al., Energy Environ. Sci. 2024,
/// 17, 2753, Table 1), molar mass and the knot table of its reduced lattice model.
/// </summary>
/// <param name="Name">Canonical name: "NMC622", "NMC811" or "LNO".</param>
/// <param name="Formula">Chemical formula of the lithiated material.</param>
/// <param name="Aliases">Other accepted names (case-insensitive), e.g. "NCM811".</param>
/// <param name="PristineAA">Pristine a in Å (Table 1).</param>
/// <param name="PristineCA">Pristine c in Å (Table 1).</param>
/// <param name="DTmOA">Pristine TM–O distance in Å (Table 1).</param>
/// <param name="LatticeSource">Citation of the pristine lattice numbers.</param>
/// <param name="MolarMassGPerMol">Molar mass in g/mol.</param>
/// <param name="MolarMassSource">Citation of the molar mass.</param>
/// <param name="Knots">Lattice knots, ascending in c_Li.</param>
public sealed record Material(
    string Name,
    string Formula,
    IReadOnlyList<string> Aliases,
    double PristineAA,
    double PristineCA,
    double DTmOA,
    string LatticeSource,
    double MolarMassGPerMol,
    string MolarMassSource,
    IReadOnlyList<LatticeKnot> Knots)
{
    /// <summary>Faraday constant, C/mol (CODATA 2018, exact since the 2019 SI redefinition).</summary>
    public const double FaradayCPerMol = 96485.33212;

    /// <summary>
    /// Theoretical specific capacity for one lithium per formula unit, mAh/g:
    /// q_theo = F / (3.6 · M) (Faraday's law, docs/model.md §1). NMC622 276.5, NMC811 275.5, LNO 274.5.
    /// </summary>
    public double TheoreticalCapacityMahPerG => FaradayCPerMol / (3.6 * MolarMassGPerMol);

    /// <summary>
    /// Charge per unit c_Li for a given active mass: Q_Li = m_active · q_theo (docs/model.md §1). This puts c_Li on
    /// the paper's scale (lithium per formula unit) only if the mass is right and every formula unit is active.
    /// </summary>
    /// <param name="activeMassMg">Active cathode mass in mg, &gt; 0.</param>
    /// <returns>Q_Li in A·h per unit c_Li.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the mass is not a positive finite number.</exception>
    public double QLiFromActiveMass(double activeMassMg)
    {
        if (!(activeMassMg > 0) || !double.IsFinite(activeMassMg))
            throw new ArgumentOutOfRangeException(nameof(activeMassMg), activeMassMg, "active mass must be a positive number of mg");
        return activeMassMg * 1e-3 * TheoreticalCapacityMahPerG * 1e-3;
    }
}
