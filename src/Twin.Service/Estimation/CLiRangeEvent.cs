namespace Twin.Service.Estimation;

/// <summary>c_Li left [0, 1] by more than the estimator's out-of-range σ (<paramref name="Entered"/>), or came back.</summary>
/// <param name="TimeUnixNs">Time of the sample, ns since the Unix epoch.</param>
/// <param name="CLi">c_Li at that sample.</param>
/// <param name="Sigma">Its σ.</param>
/// <param name="Entered">True when c_Li went out of range, false when it came back.</param>
public sealed record CLiRangeEvent(long TimeUnixNs, double CLi, double Sigma, bool Entered);
