using Twin.Core.RestVoltage;

namespace Twin.Service.Estimation;

/// <summary>One rest of a cell that lasted at least a slope window, and what it gave the c_Li estimator
/// (stored as an InfluxDB <c>rest</c> point).</summary>
/// <param name="TimeUnixNs">Time the voltage applies to, ns since the Unix epoch (the rest's last relaxed window, or its end).</param>
/// <param name="Outcome">How the rest ended.</param>
/// <param name="DurationS">Length of the rest, s.</param>
/// <param name="VoltageV">The relaxed (or last fitted) voltage, V.</param>
/// <param name="SlopeMVPerHour">Fitted drift over the last window, mV/h (NaN when none was fitted).</param>
/// <param name="CLiRest">c_Li from the relaxed voltage (NaN when no measurement was made).</param>
/// <param name="CLiRestSigma">Its σ (NaN when no measurement was made).</param>
/// <param name="Status">"applied", "gated_inflated", "gated_rejected", "too_old", "diverged", "unusable" when the
/// estimator was offered the measurement; "not_relaxed" or "no_measurement" otherwise.</param>
/// <param name="Reason">One line: the rest and the verdict, or why no measurement was made.</param>
/// <param name="CLiEstimate">The estimator's c_Li after the measurement was offered (NaN when none was).</param>
/// <param name="CLiEstimateSigma">Its σ (NaN when none was).</param>
public sealed record RestRecord(
    long TimeUnixNs,
    RestOutcome Outcome,
    double DurationS,
    double VoltageV,
    double SlopeMVPerHour,
    double CLiRest,
    double CLiRestSigma,
    string Status,
    string Reason,
    double CLiEstimate,
    double CLiEstimateSigma);
