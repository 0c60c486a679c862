namespace Twin.Core.Ocv;

/// <summary>The lithium-content scale of an open-circuit-potential table's abscissa.</summary>
public enum OcpScale
{
    /// <summary>Lithium per formula unit of the layered oxide (the scale of c_Li in Jousseaume et al., Energy
    /// Environ. Sci. 2024, 17, 2753).</summary>
    LithiumPerFormulaUnit,

    /// <summary>A model's normalised stoichiometry c_s/c_max (e.g. Chen et al., J. Electrochem. Soc. 167 (2020)
    /// 080534), whose relation to lithium per formula unit depends on the paper's c_max; see the table's note.</summary>
    NormalisedStoichiometry,
}
