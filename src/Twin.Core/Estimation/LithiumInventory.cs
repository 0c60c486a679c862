using Twin.Core.Safety;

namespace Twin.Core.Estimation;

/// <summary>
/// The lithium inventory of one cycle (docs/model.md, "Lithium inventory per cycle"): the accessible c_Li range (lowest
/// at the end of the charge, highest at the end of the discharge, each with σ and counted c_Li beside it), the lithium
/// lost since the previous cycle, Q_Li with its drift, and the diagnosis when counting and measurement disagree.
/// </summary>
/// <param name="Cycle">Cycle number.</param>
/// <param name="LowestCLi">c_Li estimate at the end of the charge (NaN without a charge).</param>
/// <param name="LowestSigma">Its σ.</param>
/// <param name="LowestCountedCLi">Counted c_Li at the same sample.</param>
/// <param name="HighestCLi">c_Li estimate at the end of the discharge (NaN without a discharge).</param>
/// <param name="HighestSigma">Its σ.</param>
/// <param name="HighestCountedCLi">Counted c_Li at the same sample.</param>
/// <param name="LostCLi">Lithium lost since the previous cycle: the previous cycle's highest c_Li minus this one's, in
/// c_Li (positive = lost; NaN for the first cycle with a discharge).</param>
/// <param name="LostAh">The same as charge, <paramref name="LostCLi"/> · Q_Li, A·h.</param>
/// <param name="QLiAh">Estimated effective Q_Li at the cycle's last snapshot, A·h.</param>
/// <param name="QLiSigmaAh">Its σ, A·h.</param>
/// <param name="QLiDriftAh">Change of the estimated Q_Li since the previous cycle, A·h (NaN for the first).</param>
/// <param name="QLiChangeRelative">(estimated − configured Q_Li) / configured Q_Li.</param>
/// <param name="CurrentOffsetA">Estimated current offset, A.</param>
/// <param name="CurrentOffsetSigmaA">Its σ, A.</param>
/// <param name="Diagnosis">Which kind of error explains counting's disagreement with the measurements.</param>
public sealed record LithiumInventory(
    int Cycle,
    double LowestCLi, double LowestSigma, double LowestCountedCLi,
    double HighestCLi, double HighestSigma, double HighestCountedCLi,
    double LostCLi, double LostAh,
    double QLiAh, double QLiSigmaAh, double QLiDriftAh, double QLiChangeRelative,
    double CurrentOffsetA, double CurrentOffsetSigmaA,
    LithiumDiagnosis Diagnosis)
{
    /// <summary>Seconds per hour (an offset in A over a time in s is a charge in A·h).</summary>
    private const double SecondsPerHour = 3600.0;

    /// <summary>The inventory of every cycle, in order.</summary>
    /// <param name="cycles">The twin's cycle metrics.</param>
    /// <param name="configuredQLiAh">The configured Q_Li, A·h (&gt; 0).</param>
    /// <returns>One row per cycle.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="configuredQLiAh"/> is not positive.</exception>
    public static IReadOnlyList<LithiumInventory> Of(IReadOnlyList<CycleMetrics> cycles, double configuredQLiAh)
    {
        ArgumentNullException.ThrowIfNull(cycles);
        if (!(configuredQLiAh > 0)) throw new ArgumentOutOfRangeException(nameof(configuredQLiAh), configuredQLiAh, "Q_Li must be a positive number of A·h");
        var rows = new List<LithiumInventory>(cycles.Count);
        double prevHigh = double.NaN, prevQ = double.NaN;
        foreach (var c in cycles)
        {
            double q = double.IsNaN(c.QLiAh) ? double.NaN : c.QLiAh;
            double lost = prevHigh - c.EndOfDischargeCLi;
            rows.Add(new LithiumInventory(c.Cycle,
                c.EndOfChargeCLi, c.EndOfChargeSigma, c.EndOfChargeCountedCLi,
                c.EndOfDischargeCLi, c.EndOfDischargeSigma, c.EndOfDischargeCountedCLi,
                lost, lost * (double.IsNaN(q) ? configuredQLiAh : q),
                q, c.QLiSigmaAh, q - prevQ, (q - configuredQLiAh) / configuredQLiAh,
                c.CurrentOffsetA, c.CurrentOffsetSigmaA, c.Diagnosis));
            if (!double.IsNaN(c.EndOfDischargeCLi)) prevHigh = c.EndOfDischargeCLi;
            if (!double.IsNaN(q)) prevQ = q;
        }
        return rows;
    }

    /// <summary>
    /// Judges the difference between the filter's estimate and counted c_Li now. Below k·σ of the estimate it is
    /// <see cref="LithiumDiagnosis.Consistent"/>. Otherwise the filter has already split the difference between its
    /// parameters, and their shares now are compared: the offset's b·τ/(3600·Q̂_Li) (grows with elapsed time τ), Q_Li's
    /// −(1/Q̂_Li − 1/Q_Li)·Q (scales with the net charge Q) and c_Li0's ĉ_Li0 − c_Li0 (a step); the largest names the
    /// kind of error.
    /// </summary>
    /// <param name="filter">The filter.</param>
    /// <param name="configuredQLiAh">The configured Q_Li, A·h.</param>
    /// <param name="configuredCLi0">The configured c_Li0.</param>
    /// <returns>The diagnosis.</returns>
    public static LithiumDiagnosis Diagnose(LithiumFilter filter, double configuredQLiAh, double configuredCLi0)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.MeasurementsApplied == 0) return LithiumDiagnosis.NoMeasurement;
        double k = filter.Settings.BoundSigmas;
        if (!(Math.Abs(filter.CLi - filter.CountedCLi) > k * filter.Sigma)) return LithiumDiagnosis.Consistent;
        double q = filter.QLiAh;
        double offset = filter.CurrentOffsetA * filter.ElapsedS / (SecondsPerHour * q);
        double capacity = -(1 / q - 1 / configuredQLiAh) * filter.ChargeAh;
        double step = filter.CLi0 - configuredCLi0;
        double ao = Math.Abs(offset), ac = Math.Abs(capacity), s = Math.Abs(step);
        if (ao >= ac && ao >= s) return LithiumDiagnosis.OffsetOrShuttle;
        if (ac >= s) return q < configuredQLiAh ? LithiumDiagnosis.ActiveMaterialLoss : LithiumDiagnosis.QLiConfiguredTooSmall;
        return LithiumDiagnosis.LithiumInventoryShift;
    }
}
