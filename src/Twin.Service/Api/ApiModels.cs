using System.Text.Json.Serialization;
using Twin.Core.Safety;
using Twin.Messaging.Contracts;
using Twin.Service.Ingest;

namespace Twin.Service.Api;

/// <summary>One row of <c>GET /api/cells</c>.</summary>
/// <param name="Site">Site id.</param>
/// <param name="Cell">Cell id.</param>
/// <param name="Material">Material.</param>
/// <param name="Zone">Zone now.</param>
/// <param name="CLi">c_Li now.</param>
/// <param name="TimeToCriticalS">Seconds to the critical limit at the present rate, or null.</param>
/// <param name="LastTimeUnixNs">Time of the last sample.</param>
/// <param name="Samples">Samples applied since the service started.</param>
/// <param name="State">The latest state payload, or null before the first sample.</param>
public sealed record CellSummary(
    [property: JsonPropertyName("site")] string Site,
    [property: JsonPropertyName("cell")] string Cell,
    [property: JsonPropertyName("material")] string Material,
    [property: JsonPropertyName("zone")] string Zone,
    [property: JsonPropertyName("c_li")] double CLi,
    [property: JsonPropertyName("time_to_critical_s")] double? TimeToCriticalS,
    [property: JsonPropertyName("last_time_unix_ns")] long LastTimeUnixNs,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("state")] TwinStatePayload? State);

/// <summary>Limits and cell constants of <c>GET /api/cells/{id}</c>.</summary>
/// <param name="QLiAh">Q_Li, A·h.</param>
/// <param name="CLi0">c_Li at the start.</param>
/// <param name="CautionCLi">Caution limit.</param>
/// <param name="CriticalCLi">Critical limit.</param>
/// <param name="DeepCLi">Deep limit.</param>
/// <param name="CLiMin">Lithium cut-off.</param>
/// <param name="VMaxV">Hard voltage limit, V.</param>
public sealed record CellLimits(
    [property: JsonPropertyName("q_li_Ah")] double QLiAh,
    [property: JsonPropertyName("c_li0")] double CLi0,
    [property: JsonPropertyName("caution_c_li")] double CautionCLi,
    [property: JsonPropertyName("critical_c_li")] double CriticalCLi,
    [property: JsonPropertyName("deep_c_li")] double DeepCLi,
    [property: JsonPropertyName("c_li_min")] double CLiMin,
    [property: JsonPropertyName("v_max_V")] double VMaxV);

/// <summary>Sequence bookkeeping of a cell's telemetry.</summary>
/// <param name="LastSeq">Last applied sequence number.</param>
/// <param name="Accepted">Samples accepted.</param>
/// <param name="Duplicates">Duplicates dropped.</param>
/// <param name="Gaps">Gaps seen.</param>
/// <param name="Missing">Sequence numbers missing in gaps.</param>
public sealed record SequenceInfo(
    [property: JsonPropertyName("last_seq")] long? LastSeq,
    [property: JsonPropertyName("accepted")] long Accepted,
    [property: JsonPropertyName("duplicates")] long Duplicates,
    [property: JsonPropertyName("gaps")] long Gaps,
    [property: JsonPropertyName("missing")] long Missing);

/// <summary><c>GET /api/cells/{id}</c>.</summary>
/// <param name="Summary">The summary row.</param>
/// <param name="Limits">Limits and constants.</param>
/// <param name="Alarm">Alarm state.</param>
/// <param name="Cycle">Metrics of the open cycle.</param>
/// <param name="Sequence">Sequence bookkeeping.</param>
public sealed record CellDetail(
    [property: JsonPropertyName("summary")] CellSummary Summary,
    [property: JsonPropertyName("limits")] CellLimits Limits,
    [property: JsonPropertyName("alarm")] AlarmPayload Alarm,
    [property: JsonPropertyName("cycle")] CycleMetrics Cycle,
    [property: JsonPropertyName("sequence")] SequenceInfo Sequence);

/// <summary><c>GET /api/cells/{id}/history</c>: recent outputs, cycle metrics and transitions.</summary>
/// <param name="Cell">Cell id.</param>
/// <param name="Points">Recent points, oldest first.</param>
/// <param name="Cycles">Per-cycle metrics kept by the twin.</param>
/// <param name="Transitions">Recent zone transitions.</param>
public sealed record CellHistory(
    [property: JsonPropertyName("cell")] string Cell,
    [property: JsonPropertyName("points")] IReadOnlyList<HistoryPoint> Points,
    [property: JsonPropertyName("cycles")] IReadOnlyList<CycleMetrics> Cycles,
    [property: JsonPropertyName("transitions")] IReadOnlyList<ZoneTransitionPayload> Transitions);

/// <summary><c>GET /health</c>.</summary>
/// <param name="Status">"healthy", "degraded" or "unhealthy".</param>
/// <param name="Checks">Per-component state, e.g. bus → "connected".</param>
/// <param name="Metrics">All metrics.</param>
public sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("checks")] IReadOnlyDictionary<string, string> Checks,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics);

/// <summary>Source-generated JSON for the REST API (snake_case for nested domain types, NaN as literal).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<CellSummary>))]
[JsonSerializable(typeof(CellDetail))]
[JsonSerializable(typeof(CellHistory))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(TelemetryMessage))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
