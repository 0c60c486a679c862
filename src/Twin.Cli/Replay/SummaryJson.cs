using System.Text.Json;
using System.Text.Json.Serialization;
using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Safety;
using Twin.Data.Readers;

namespace Twin.Cli.Replay;

/// <summary>Machine-readable replay summary, <c>summary.json</c>.</summary>
/// <param name="File">Input file.</param>
/// <param name="Format">Format read.</param>
/// <param name="Cell">Cell id.</param>
/// <param name="Material">Material.</param>
/// <param name="QLiAh">Q_Li, A·h.</param>
/// <param name="CLi0">c_Li at the start.</param>
/// <param name="Samples">Samples replayed.</param>
/// <param name="RowsSkipped">Rows skipped in lenient mode.</param>
/// <param name="FinalCLi">c_Li at the end.</param>
/// <param name="RecommendedCutoffV">Learned voltage cut-off, V (null when never learned).</param>
/// <param name="ChargesCrossingCritical">Cycles whose c_Li went below the critical limit.</param>
/// <param name="Cycles">Per-cycle metrics.</param>
/// <param name="FinalCLiSigma">σ of the final c_Li.</param>
/// <param name="FinalCLiCounted">c_Li from counting alone at the end.</param>
/// <param name="QLiEstimateAh">The filter's estimate of the effective Q_Li at the end, A·h.</param>
/// <param name="QLiSigmaAh">Its σ, A·h.</param>
/// <param name="CurrentOffsetA">The filter's estimate of the current offset at the end, A.</param>
/// <param name="CurrentOffsetSigmaA">Its σ, A.</param>
/// <param name="CLi0Estimate">The filter's estimate of c_Li0.</param>
/// <param name="CLi0Sigma">Its σ.</param>
/// <param name="LithiumInventory">Per-cycle lithium inventory.</param>
/// <param name="Measurements">Measurement outcomes by kind, then status.</param>
/// <param name="Warnings">What the plausibility checks found (<see cref="PlausibilityChecks"/>), one entry per kind.</param>
internal sealed record ReplaySummary(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("cell")] string Cell,
    [property: JsonPropertyName("material")] string Material,
    [property: JsonPropertyName("q_li_Ah")] double QLiAh,
    [property: JsonPropertyName("c_li0")] double CLi0,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("rows_skipped")] long RowsSkipped,
    [property: JsonPropertyName("final_c_li")] double FinalCLi,
    [property: JsonPropertyName("recommended_cutoff_V")] double? RecommendedCutoffV,
    [property: JsonPropertyName("charges_crossing_critical")] int ChargesCrossingCritical,
    [property: JsonPropertyName("cycles")] IReadOnlyList<CycleMetrics> Cycles,
    [property: JsonPropertyName("final_c_li_sigma")] double FinalCLiSigma,
    [property: JsonPropertyName("final_c_li_counted")] double FinalCLiCounted,
    [property: JsonPropertyName("q_li_estimate_Ah")] double QLiEstimateAh,
    [property: JsonPropertyName("q_li_sigma_Ah")] double QLiSigmaAh,
    [property: JsonPropertyName("current_offset_A")] double CurrentOffsetA,
    [property: JsonPropertyName("current_offset_sigma_A")] double CurrentOffsetSigmaA,
    [property: JsonPropertyName("c_li0_estimate")] double CLi0Estimate,
    [property: JsonPropertyName("c_li0_sigma")] double CLi0Sigma,
    [property: JsonPropertyName("lithium_inventory")] IReadOnlyList<LithiumInventory> LithiumInventory,
    [property: JsonPropertyName("measurements")] IReadOnlyDictionary<string, SortedDictionary<string, int>> Measurements,
    [property: JsonPropertyName("warnings")] IReadOnlyList<SummaryWarning> Warnings);

/// <summary>A plausibility warning in summary.json.</summary>
/// <param name="Kind">time_backwards, gap or c_li_out_of_range.</param>
/// <param name="FirstLine">1-based line of the file where it was first found.</param>
/// <param name="Count">Rows where it was found.</param>
/// <param name="Detail">The first occurrence in words.</param>
internal sealed record SummaryWarning(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("first_line")] long FirstLine,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("detail")] string Detail);

/// <summary>Writes a number that is missing or not finite (NaN, ±∞) as JSON null; JSON has no such numbers.</summary>
internal sealed class FiniteOrNullConverter : JsonConverter<double>
{
    /// <inheritdoc/>
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }

    /// <inheritdoc/>
    public override bool HandleNull => true;
}

/// <summary>Zones by their snake_case names (<c>safe</c>, <c>caution</c>, …), as in samples.csv and the API.</summary>
internal sealed class ZoneJsonConverter() : JsonStringEnumConverter<Zone>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);

/// <summary>Lithium diagnoses by their snake_case names (<c>offset_or_shuttle</c>, …), as in the API.</summary>
internal sealed class DiagnosisJsonConverter() : JsonStringEnumConverter<LithiumDiagnosis>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);

/// <summary>Source-generated serializer for the summary (missing numbers as null, enums in snake_case).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(FiniteOrNullConverter), typeof(ZoneJsonConverter), typeof(DiagnosisJsonConverter)])]
[JsonSerializable(typeof(ReplaySummary))]
internal sealed partial class SummaryJsonContext : JsonSerializerContext;

/// <summary>Writes summary.json.</summary>
internal static class SummaryJson
{
    /// <summary>Writes the summary of a finished replay.</summary>
    /// <param name="path">Destination.</param>
    /// <param name="request">The request.</param>
    /// <param name="twin">The twin after the last sample.</param>
    /// <param name="diagnostics">Reader counts.</param>
    /// <param name="samples">Samples replayed.</param>
    /// <param name="inventory">Per-cycle lithium inventory.</param>
    /// <param name="measurements">Measurement outcomes by kind, then status.</param>
    /// <param name="warnings">The plausibility warnings.</param>
    public static void Write(string path, ReplayRequest request, CellTwin twin, ReadDiagnostics diagnostics, long samples,
        IReadOnlyList<LithiumInventory> inventory, IReadOnlyDictionary<string, SortedDictionary<string, int>> measurements,
        IReadOnlyList<PlausibilityWarning> warnings)
    {
        var f = twin.Estimator;
        double cut = twin.RecommendedCutoffV;
        var summary = new ReplaySummary(request.File, CyclerFormatNames.ToName(diagnostics.Format), request.Cell.CellId,
            request.Cell.Material.Name, request.Cell.QLiAh, request.Cell.CLi0, samples, diagnostics.RowsSkipped, twin.CLi,
            double.IsNaN(cut) ? null : cut, twin.Cycles.Count(c => c.CrossedCritical && c.Cycle > 0), twin.Cycles,
            f.Sigma, f.CountedCLi, f.QLiAh, f.QLiSigmaAh, f.CurrentOffsetA, f.CurrentOffsetSigmaA, f.CLi0, f.CLi0Sigma, inventory, measurements,
            [.. warnings.Select(w => new SummaryWarning(w.Kind.Name(), w.FirstLine, w.Count, w.Detail))]);
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, summary, SummaryJsonContext.Default.ReplaySummary);
    }
}
