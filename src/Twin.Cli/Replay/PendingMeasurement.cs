using Twin.Core.Estimation;

namespace Twin.Cli.Replay;

/// <summary>
/// One independent measurement waiting for its time on the sample clock, or the reason a source gave none.
/// </summary>
/// <param name="TimeS">When it applies on the sample clock, s (NaN when not known).</param>
/// <param name="Kind">What measured it.</param>
/// <param name="Source">File name (and row) it came from.</param>
/// <param name="AA">Measured a, Å (NaN when none).</param>
/// <param name="CA">Measured c, Å (NaN when none).</param>
/// <param name="Measurement">c_Li with σ, or null when there is none.</param>
/// <param name="Reason">Why there is no measurement (null when there is one).</param>
internal sealed record PendingMeasurement(
    double TimeS,
    LithiumMeasurementKind Kind,
    string Source,
    double AA,
    double CA,
    LithiumMeasurement? Measurement,
    string? Reason);
