namespace Twin.FirmwareSim.Cell;

/// <summary>
/// Design data of one electrode of the LG M50 parameterisation (Chen et al., J. Electrochem. Soc. 167 (2020)
/// 080534), as stored in <c>Cell/ocv-tables.json</c>.
/// </summary>
/// <param name="Material">Active material, free text.</param>
/// <param name="MaxConcentrationMolPerM3">Maximum lithium concentration in the active material c_max, mol/m³
/// (Chen 2020: 63104 positive, 33133 negative).</param>
/// <param name="ThicknessM">Coating thickness, m (Chen 2020: 75.6 µm positive, 85.2 µm negative).</param>
/// <param name="ActiveVolumeFraction">Active-material volume fraction of the coating (Chen 2020: 0.665 positive, 0.75 negative).</param>
/// <param name="StoichiometryAt0Soc">Lithium stoichiometry at 0 % cell SOC (Chen 2020: 0.9084 positive, 0.0279 negative).</param>
/// <param name="StoichiometryAt100Soc">Lithium stoichiometry at 100 % cell SOC (Chen 2020: 0.2661 positive, 0.9014 negative).</param>
public sealed record ElectrodeData(
    string Material,
    double MaxConcentrationMolPerM3,
    double ThicknessM,
    double ActiveVolumeFraction,
    double StoichiometryAt0Soc,
    double StoichiometryAt100Soc)
{
    /// <summary>
    /// Charge per unit stoichiometry of an electrode of this coating with area <paramref name="areaM2"/>:
    /// Q = F · c_max · L · ε · A / 3600, A·h.
    /// </summary>
    /// <param name="areaM2">Coated area, m² (Chen 2020 LG M50: 0.065 m × 1.58 m).</param>
    /// <returns>A·h per unit stoichiometry (8.732 A·h for the LG M50 positive electrode).</returns>
    public double CapacityAh(double areaM2)
        => Twin.Core.Materials.Material.FaradayCPerMol * MaxConcentrationMolPerM3 * ThicknessM * ActiveVolumeFraction * areaM2 / 3600.0;
}
