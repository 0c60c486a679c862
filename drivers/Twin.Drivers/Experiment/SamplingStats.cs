namespace Twin.Drivers.Experiment;

/// <summary>How punctually samples were taken: lateness of each measurement start behind its scheduled (wall-clock) time.</summary>
/// <param name="Count">Samples measured.</param>
/// <param name="Missed">Scheduled sample times skipped because the previous measurement overran.</param>
/// <param name="LatenessP50Ms">Median lateness, ms.</param>
/// <param name="LatenessP99Ms">99th-percentile lateness, ms.</param>
/// <param name="LatenessMaxMs">Largest lateness, ms.</param>
/// <param name="IntervalP99DeviationMs">99th percentile of |actual interval − period| between consecutive samples of a step, ms (the sampling jitter).</param>
/// <param name="LongestIntervalMs">Longest wall-clock time between the starts of two consecutive samples of a step, ms: a
/// stall (an instrument that answered late, a starved process) shows here even when the slots it missed were skipped.</param>
public sealed record SamplingStats(long Count, long Missed, double LatenessP50Ms, double LatenessP99Ms, double LatenessMaxMs, double IntervalP99DeviationMs,
    double LongestIntervalMs);
