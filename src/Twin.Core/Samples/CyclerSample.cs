namespace Twin.Core.Samples;

/// <summary>
/// One electrochemical sample, normalised from whatever instrument or file produced it.
/// </summary>
/// <remarks>
/// Conventions, whatever the source: current and charge are positive on charge (delithiation of the
/// cathode, docs/model.md §1); time is seconds since the first sample of the source.
/// </remarks>
/// <param name="TimeS">Seconds since the start of the test (monotone non-decreasing within a source).</param>
/// <param name="VoltageV">Cell voltage in volts.</param>
/// <param name="CurrentA">Current in amperes, positive on charge.</param>
/// <param name="ChargeCounterAh">
/// The source's own charge counter in ampere-hours, signed positive on charge, or <see cref="double.NaN"/>
/// when the source has none. The counter may restart from zero: see <paramref name="CounterSegment"/>.
/// </param>
/// <param name="CounterSegment">
/// Identifies a stretch of samples over which <paramref name="ChargeCounterAh"/> is continuous. When it
/// changes, the counter has restarted from zero at the start of the new segment (Maccor resets Amp-hr
/// each step; Neware resets capacity each step; Arbin each cycle).
/// </param>
/// <param name="Step">The source's step number (0 when it has none).</param>
/// <param name="SourceCycle">The source's cycle number (0 when it has none).</param>
/// <param name="Kind">Charge, discharge or rest as the source declares it.</param>
/// <param name="TemperatureC">Cell temperature in °C, or <see cref="double.NaN"/> when not recorded.</param>
public readonly record struct CyclerSample(
    double TimeS,
    double VoltageV,
    double CurrentA,
    double ChargeCounterAh,
    int CounterSegment,
    int Step,
    int SourceCycle,
    StepKind Kind,
    double TemperatureC = double.NaN)
{
    /// <summary>True when the source supplied its own charge counter for this sample.</summary>
    public bool HasChargeCounter => !double.IsNaN(ChargeCounterAh);
}
