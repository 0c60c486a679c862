namespace Twin.Drivers.Experiment;

/// <summary>What the runner hears from the cell's twin (its retained state message, README.md, "Topics and payloads"); also its heartbeat.</summary>
/// <param name="CLi">Cathode lithium content c_Li at <paramref name="TimeUnixNs"/>.</param>
/// <param name="TimeUnixNs">Time of the sample the state describes, ns since the Unix epoch (instrument time).</param>
/// <param name="Cutoff">The twin's cut-off decision: <c>continue</c>, <c>stop_lithium</c> or <c>stop_voltage</c>.</param>
/// <param name="RecommendedCutoffV">Voltage at which c_Li,min was reached on the previous cycle, V, if learned.</param>
public sealed record TwinFeedback(double CLi, long TimeUnixNs, string Cutoff, double? RecommendedCutoffV);
