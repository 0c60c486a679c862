using Twin.Core.Estimation;

namespace Twin.Cli.Replay;

/// <summary>Names of measurement kinds and outcomes in measurements.csv and summary.json.</summary>
internal static class MeasurementNames
{
    /// <summary>Status of a source that gave no measurement (the reason column says why).</summary>
    public const string NoMeasurement = "no_measurement";

    /// <summary>"diffraction", "rest_voltage" or "operator".</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its name.</returns>
    public static string Name(this LithiumMeasurementKind kind) => kind switch
    {
        LithiumMeasurementKind.Diffraction => "diffraction",
        LithiumMeasurementKind.RestVoltage => "rest_voltage",
        _ => "operator",
    };

    /// <summary>The filter's outcome in snake case: "applied", "gated_inflated", "gated_rejected", "unusable",
    /// "too_old", "ahead_of_samples" or "diverged".</summary>
    /// <param name="status">The outcome.</param>
    /// <returns>Its name.</returns>
    public static string Name(this LithiumUpdateStatus status) => status switch
    {
        LithiumUpdateStatus.Applied => "applied",
        LithiumUpdateStatus.GatedInflated => "gated_inflated",
        LithiumUpdateStatus.GatedRejected => "gated_rejected",
        LithiumUpdateStatus.Unusable => "unusable",
        LithiumUpdateStatus.TooOld => "too_old",
        LithiumUpdateStatus.AheadOfSamples => "ahead_of_samples",
        _ => "diverged",
    };
}
