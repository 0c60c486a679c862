namespace Twin.Core.Lithium;

/// <summary>
/// Everything the lithium-content estimator needs to resume exactly where it stopped. Serialises to JSON
/// with <see cref="Cells.TwinJsonContext"/>; doubles round-trip bit for bit.
/// </summary>
/// <param name="CLi0">c_Li at the reference sample (the start of the test).</param>
/// <param name="QLiAh">Charge per unit c_Li, A·h.</param>
/// <param name="ChargeAh">Net charge passed since the reference, A·h, positive on charge.</param>
/// <param name="Samples">Samples consumed so far.</param>
/// <param name="LastTimeS">Time of the last sample, s (NaN before the first).</param>
/// <param name="LastCurrentA">Current of the last sample, A, positive on charge.</param>
/// <param name="LastCounterAh">The source's counter at the last sample, A·h (NaN when it had none).</param>
/// <param name="LastSegment">Counter segment of the last sample.</param>
public readonly record struct EstimatorState(
    double CLi0,
    double QLiAh,
    double ChargeAh,
    long Samples,
    double LastTimeS,
    double LastCurrentA,
    double LastCounterAh,
    int LastSegment);
