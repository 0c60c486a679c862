namespace Twin.Core.Estimation;

/// <summary>Names of <see cref="LithiumDiagnosis"/> as written to summary.json, the cycle tables and the REST API.</summary>
public static class LithiumDiagnosisNames
{
    /// <summary>The diagnosis in snake case.</summary>
    /// <param name="d">The diagnosis.</param>
    /// <returns>"no_measurement", "consistent", "offset_or_shuttle", "active_material_loss",
    /// "q_li_configured_too_small" or "lithium_inventory_shift".</returns>
    public static string Name(this LithiumDiagnosis d) => d switch
    {
        LithiumDiagnosis.NoMeasurement => "no_measurement",
        LithiumDiagnosis.Consistent => "consistent",
        LithiumDiagnosis.OffsetOrShuttle => "offset_or_shuttle",
        LithiumDiagnosis.ActiveMaterialLoss => "active_material_loss",
        LithiumDiagnosis.QLiConfiguredTooSmall => "q_li_configured_too_small",
        _ => "lithium_inventory_shift",
    };
}
