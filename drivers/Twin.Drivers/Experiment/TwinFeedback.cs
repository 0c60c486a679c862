using Twin.Core.Cutoff;

namespace Twin.Drivers.Experiment;

/// <summary>What the runner hears from the cell's twin (its retained state message, README.md, "Topics and payloads"); also its heartbeat.</summary>
/// <param name="CLi">Cathode lithium content c_Li at <paramref name="TimeUnixNs"/> (the estimator's value).</param>
/// <param name="TimeUnixNs">Time of the sample the state describes, ns since the Unix epoch (instrument time).</param>
/// <param name="Cutoff">The twin's cut-off decision at that sample.</param>
/// <param name="RecommendedCutoffV">Voltage at which c_Li,min was reached on the previous cycle, V, if learned.</param>
/// <param name="CLiLow">Lower confidence bound c_Li − k·σ the lithium cut-off acts on; null from twins without an estimator.</param>
/// <param name="QLiAh">The estimator's lithium capacity Q_Li, A·h (c_Li changes by −ΔQ/Q_Li); null when the twin did not say.</param>
/// <param name="CLiMin">c_Li,min of the twin's lithium cut-off; null when that cut-off is off or the twin did not say.</param>
/// <param name="CLiSigma">Standard deviation σ of <paramref name="CLi"/>; null when the twin did not say.</param>
/// <param name="QLiSigmaAh">Standard deviation of <paramref name="QLiAh"/>, A·h; null when the twin did not say.</param>
public sealed record TwinFeedback(double CLi, long TimeUnixNs, CutoffDecision Cutoff, double? RecommendedCutoffV,
    double? CLiLow = null, double? QLiAh = null, double? CLiMin = null, double? CLiSigma = null, double? QLiSigmaAh = null);
