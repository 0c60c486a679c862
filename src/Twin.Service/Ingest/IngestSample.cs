using Twin.Core.Samples;

namespace Twin.Service.Ingest;

/// <summary>
/// One telemetry sample after validation at the edge (<see cref="TelemetryValidation"/>): typed, finite and within the
/// plausibility bounds, in the service's one time frame (ns since the Unix epoch, UTC).
/// </summary>
/// <param name="Seq">The source's sequence number, ≥ 0.</param>
/// <param name="TimeUnixNs">Sample time, ns since the Unix epoch.</param>
/// <param name="VoltageV">Cell voltage, V.</param>
/// <param name="CurrentA">Current, A, positive on charge.</param>
/// <param name="ChargeAh">The source's own charge counter, A·h, positive on charge; NaN when the source has none.</param>
/// <param name="CounterSegment">Changes whenever the source's counter restarts from zero.</param>
/// <param name="Step">The source's step number.</param>
/// <param name="Cycle">The source's cycle number.</param>
/// <param name="Kind">What the source was doing.</param>
/// <param name="TemperatureC">Cell temperature, °C; NaN when not measured.</param>
public readonly record struct IngestSample(long Seq, long TimeUnixNs, double VoltageV, double CurrentA, double ChargeAh, int CounterSegment,
    int Step, int Cycle, StepKind Kind, double TemperatureC)
{
    /// <summary>True when the sample carries the source's charge counter.</summary>
    public bool HasCharge => !double.IsNaN(ChargeAh);

    /// <summary>True when the sample carries a temperature.</summary>
    public bool HasTemperature => !double.IsNaN(TemperatureC);
}
