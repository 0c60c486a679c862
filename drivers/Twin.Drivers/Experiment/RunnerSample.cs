using Twin.Core.Samples;

namespace Twin.Drivers.Experiment;

/// <summary>One telemetry sample produced by the runner (published as in README.md, "Topics and payloads").</summary>
/// <param name="Seq">Source sequence number, 1-based, gap-free.</param>
/// <param name="TimeUnixNs">Reading time, ns since the Unix epoch (instrument clock).</param>
/// <param name="VoltageV">Cell voltage, V.</param>
/// <param name="CurrentA">Current, A, positive = charge.</param>
/// <param name="ChargeAh">Charge passed since the run started (trapezoidal, instrument time), A·h, positive = charge.</param>
/// <param name="Step">Running protocol step number, 1-based.</param>
/// <param name="Cycle">Cycle (outermost loop iteration), 0 outside loops.</param>
/// <param name="Kind">Step kind: charge (CC or CV hold while charging), discharge or rest.</param>
/// <param name="TemperatureC">Cell temperature, °C, when measured.</param>
public readonly record struct RunnerSample(long Seq, long TimeUnixNs, double VoltageV, double CurrentA, double ChargeAh, int Step, int Cycle, StepKind Kind, double? TemperatureC);
