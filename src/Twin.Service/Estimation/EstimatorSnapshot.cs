using System.Text.Json.Serialization;
using Twin.Core.Estimation;

namespace Twin.Service.Estimation;

/// <summary>The c_Li estimator of a cell as the REST API shows it (<c>GET /api/cells/{id}</c>, "estimator").</summary>
/// <param name="CLi">Estimated c_Li.</param>
/// <param name="Sigma">Its σ.</param>
/// <param name="CLiLow">Lower confidence bound c_Li − k·σ.</param>
/// <param name="CLiCounted">c_Li from charge counting alone.</param>
/// <param name="QLiAh">Estimated Q_Li, A·h.</param>
/// <param name="QLiSigmaAh">Its σ, A·h.</param>
/// <param name="CLi0">Estimated c_Li at the start.</param>
/// <param name="CLi0Sigma">Its σ.</param>
/// <param name="CurrentOffsetA">Estimated offset of the measured current, A.</param>
/// <param name="CurrentOffsetSigmaA">Its σ, A.</param>
/// <param name="MeasurementsApplied">Measurements applied (gated ones applied inflated included).</param>
/// <param name="MeasurementsGated">Measurements beyond the gate.</param>
/// <param name="PendingPatterns">Patterns waiting for the samples of their mid-exposure.</param>
public sealed record EstimatorSnapshot(
    [property: JsonPropertyName("c_li")] double CLi,
    [property: JsonPropertyName("c_li_sigma")] double Sigma,
    [property: JsonPropertyName("c_li_low")] double CLiLow,
    [property: JsonPropertyName("c_li_counted")] double CLiCounted,
    [property: JsonPropertyName("q_li_Ah")] double QLiAh,
    [property: JsonPropertyName("q_li_sigma_Ah")] double QLiSigmaAh,
    [property: JsonPropertyName("c_li0")] double CLi0,
    [property: JsonPropertyName("c_li0_sigma")] double CLi0Sigma,
    [property: JsonPropertyName("current_offset_A")] double CurrentOffsetA,
    [property: JsonPropertyName("current_offset_sigma_A")] double CurrentOffsetSigmaA,
    [property: JsonPropertyName("measurements_applied")] long MeasurementsApplied,
    [property: JsonPropertyName("measurements_gated")] long MeasurementsGated,
    [property: JsonPropertyName("pending_patterns")] int PendingPatterns)
{
    /// <summary>Takes the numbers of a filter.</summary>
    /// <param name="f">The filter.</param>
    /// <param name="pendingPatterns">Patterns waiting for their samples.</param>
    /// <returns>The snapshot.</returns>
    public static EstimatorSnapshot Of(LithiumFilter f, int pendingPatterns) => new(f.CLi, f.Sigma, f.LowerBound, f.CountedCLi, f.QLiAh, f.QLiSigmaAh,
        f.CLi0, f.CLi0Sigma, f.CurrentOffsetA, f.CurrentOffsetSigmaA, f.MeasurementsApplied, f.MeasurementsGated, pendingPatterns);
}
