using System.Text.Json;
using System.Text.Json.Serialization;
using Twin.Core.Cells;
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
    [property: JsonPropertyName("cycles")] IReadOnlyList<CycleMetrics> Cycles);

/// <summary>Source-generated serializer for the summary (NaN written as a named literal).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
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
    public static void Write(string path, ReplayRequest request, CellTwin twin, ReadDiagnostics diagnostics, long samples)
    {
        double cut = twin.RecommendedCutoffV;
        var summary = new ReplaySummary(request.File, CyclerFormatNames.ToName(diagnostics.Format), request.Cell.CellId,
            request.Cell.Material.Name, request.Cell.QLiAh, request.Cell.CLi0, samples, diagnostics.RowsSkipped, twin.CLi,
            double.IsNaN(cut) ? null : cut, twin.Cycles.Count(c => c.CrossedCritical && c.Cycle > 0), twin.Cycles);
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, summary, SummaryJsonContext.Default.ReplaySummary);
    }
}
