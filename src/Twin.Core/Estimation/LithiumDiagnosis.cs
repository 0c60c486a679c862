namespace Twin.Core.Estimation;

/// <summary>
/// Which kind of error explains the difference between counted c_Li and the estimate the measurements pulled it to, at
/// the end of a charge (docs/model.md, "Lithium inventory per cycle"). Judged by <see cref="LithiumInventory.Diagnose"/>.
/// </summary>
public enum LithiumDiagnosis
{
    /// <summary>No independent measurement has been applied yet: counting is unchecked.</summary>
    NoMeasurement = 0,

    /// <summary>Counting lies within k·σ of the estimate: no disagreement to explain.</summary>
    Consistent,

    /// <summary>The difference grows with elapsed time whatever the current's direction: a current-sensor offset or a
    /// parasitic (shuttle) current that the cycler counts and the cathode does not see.</summary>
    OffsetOrShuttle,

    /// <summary>The difference scales with the charge passed and the estimated Q_Li is below the configured one: the
    /// cathode holds less lithium per A·h than configured — loss of active material (or Q_Li set too large).</summary>
    ActiveMaterialLoss,

    /// <summary>The difference scales with the charge passed and the estimated Q_Li is above the configured one: Q_Li
    /// was configured too small (no degradation mode makes Q_Li grow).</summary>
    QLiConfiguredTooSmall,

    /// <summary>The difference is a step, neither growing with time nor with charge: the lithium content differs from
    /// the configured c_Li0 by a fixed amount — a wrong c_Li0, or lithium gained or lost by the cathode without a
    /// counted current.</summary>
    LithiumInventoryShift,
}
