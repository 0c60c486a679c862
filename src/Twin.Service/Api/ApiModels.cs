using System.Text.Json.Serialization;
using Twin.Core.Estimation;
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
/// <param name="Samples">Samples applied since the cell's first sample.</param>
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

/// <summary>Sequence bookkeeping of a cell's telemetry, since its first sample.</summary>
/// <param name="LastSeq">Last applied sequence number (of the active source session).</param>
/// <param name="LastTimeUnixNs">Stored time of the last applied sample, ns since the Unix epoch.</param>
/// <param name="Accepted">Samples accepted (applied and stored).</param>
/// <param name="Duplicates">Duplicates dropped (redeliveries of stored samples).</param>
/// <param name="Gaps">Gaps seen.</param>
/// <param name="Missing">Sequence numbers missing in gaps.</param>
/// <param name="Sessions">New source sessions (a source that numbered again from the start, e.g. a restarted driver).</param>
/// <param name="Resumed">Returns to the source session active before the last change.</param>
/// <param name="Rejected">Samples rejected (all reasons; see <see cref="CellDetail.Rejected"/>).</param>
public sealed record SequenceInfo(
    [property: JsonPropertyName("last_seq")] long? LastSeq,
    [property: JsonPropertyName("last_time_unix_ns")] long LastTimeUnixNs,
    [property: JsonPropertyName("accepted")] long Accepted,
    [property: JsonPropertyName("duplicates")] long Duplicates,
    [property: JsonPropertyName("gaps")] long Gaps,
    [property: JsonPropertyName("missing")] long Missing,
    [property: JsonPropertyName("sessions")] long Sessions,
    [property: JsonPropertyName("resumed")] long Resumed,
    [property: JsonPropertyName("rejected")] long Rejected);

/// <summary>What a cell rejected, since its first sample.</summary>
/// <param name="Messages">Whole messages rejected (all reasons).</param>
/// <param name="Samples">Single samples rejected (all reasons).</param>
/// <param name="MessagesByReason">Messages per reason ("invalid", "too_large").</param>
/// <param name="SamplesByReason">Samples per reason ("seq_ahead", "time_backwards", "time_ahead", "counter_jump").</param>
/// <param name="Last">The most recent rejection since the service started, or null.</param>
public sealed record RejectionInfo(
    [property: JsonPropertyName("messages")] long Messages,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("messages_by_reason")] IReadOnlyDictionary<string, long> MessagesByReason,
    [property: JsonPropertyName("samples_by_reason")] IReadOnlyDictionary<string, long> SamplesByReason,
    [property: JsonPropertyName("last")] LastRejection? Last);

/// <summary>The most recent rejection of a cell.</summary>
/// <param name="TimeUnixNs">When, service clock, ns since the Unix epoch.</param>
/// <param name="Reason">Reason name.</param>
/// <param name="Detail">What was wrong and what was expected.</param>
public sealed record LastRejection(
    [property: JsonPropertyName("time_unix_ns")] long TimeUnixNs,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("detail")] string Detail);

/// <summary>One rejected sample in the answer to <c>POST /api/cells/{id}/telemetry</c>.</summary>
/// <param name="Index">Index in the message.</param>
/// <param name="Seq">Sequence number.</param>
/// <param name="Reason">Reason name.</param>
/// <param name="Detail">What was wrong and what was expected.</param>
public sealed record RejectedSample(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("detail")] string Detail);

/// <summary>The answer to <c>POST /api/cells/{id}/telemetry</c>: what became of the message's samples.</summary>
/// <param name="Stored">Samples stored by this request (on disk with the cell's checkpoint when the answer is sent).</param>
/// <param name="Duplicates">Samples stored before (redeliveries): nothing new to store.</param>
/// <param name="Rejected">Samples rejected.</param>
/// <param name="Rejections">The rejected samples with their reasons (the first <see cref="MaxListed"/>).</param>
public sealed record TelemetryReply(
    [property: JsonPropertyName("stored")] int Stored,
    [property: JsonPropertyName("duplicates")] int Duplicates,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("rejections")] IReadOnlyList<RejectedSample> Rejections)
{
    /// <summary>Most rejected samples listed in one answer.</summary>
    public const int MaxListed = 100;
}

/// <summary><c>GET /api/cells/{id}</c>.</summary>
/// <param name="Summary">The summary row.</param>
/// <param name="Limits">Limits and constants.</param>
/// <param name="Alarm">Alarm state.</param>
/// <param name="Cycle">Metrics of the open cycle.</param>
/// <param name="Sequence">Sequence bookkeeping.</param>
/// <param name="Rejected">What was rejected.</param>
public sealed record CellDetail(
    [property: JsonPropertyName("summary")] CellSummary Summary,
    [property: JsonPropertyName("limits")] CellLimits Limits,
    [property: JsonPropertyName("alarm")] AlarmPayload Alarm,
    [property: JsonPropertyName("cycle")] CycleMetrics Cycle,
    [property: JsonPropertyName("sequence")] SequenceInfo Sequence,
    [property: JsonPropertyName("rejected")] RejectionInfo Rejected)
{
    /// <summary>Most recent pattern records shown in <see cref="Patterns"/>.</summary>
    public const int PatternsShown = 20;

    /// <summary>The c_Li estimator: estimate, σ, bound, counted c_Li, estimated Q_Li, c_Li0 and current offset with σ.</summary>
    [JsonPropertyName("estimator")] public Twin.Service.Estimation.EstimatorSnapshot? Estimator { get; init; }

    /// <summary>The most recent pattern records as stored (measured lattice, c_Li from it, counted, estimate, status), oldest first.</summary>
    [JsonPropertyName("patterns")] public IReadOnlyList<PatternRecord> Patterns { get; init; } = [];
}

/// <summary>One point of <c>GET /api/cells/{id}/history</c>.</summary>
/// <param name="TimeUnixNs">Sample time, ns since the Unix epoch.</param>
/// <param name="CLi">c_Li.</param>
/// <param name="VoltageV">Voltage, V.</param>
/// <param name="CurrentA">Current, A.</param>
/// <param name="Zone">Zone name.</param>
/// <param name="DIlA">d_IL, Å.</param>
/// <param name="DTmA">d_TM, Å.</param>
/// <param name="CLiSigma">σ of c_Li.</param>
/// <param name="CLiCounted">c_Li from charge counting alone (null when not known).</param>
public sealed record HistoryPointInfo(long TimeUnixNs, double CLi, double VoltageV, double CurrentA, string Zone, double DIlA, double DTmA,
    double CLiSigma = 0, double? CLiCounted = null)
{
    /// <summary>From a history point (the zone as its wire name).</summary>
    /// <param name="p">The point.</param>
    /// <returns>The API form.</returns>
    public static HistoryPointInfo From(HistoryPoint p) => new(p.TimeUnixNs, p.CLi, p.VoltageV, p.CurrentA, p.Zone.Name(), p.DIlA, p.DTmA,
        p.CLiSigma, double.IsFinite(p.CLiCounted) ? p.CLiCounted : null);
}

/// <summary>One cycle's lithium inventory in <c>GET /api/cells/{id}/history</c> (docs/model.md §10); numbers the cycle
/// does not have (no charge, no discharge, no previous cycle) are null.</summary>
/// <param name="Cycle">Cycle number.</param>
/// <param name="EndOfChargeCLi">c_Li estimate at the end of the charge (the lowest of the cycle).</param>
/// <param name="EndOfChargeSigma">Its σ.</param>
/// <param name="EndOfChargeCountedCLi">Counted c_Li at the same sample.</param>
/// <param name="EndOfDischargeCLi">c_Li estimate at the end of the discharge (the highest).</param>
/// <param name="EndOfDischargeSigma">Its σ.</param>
/// <param name="EndOfDischargeCountedCLi">Counted c_Li at the same sample.</param>
/// <param name="LostCLi">Lithium lost since the previous cycle, in c_Li (positive = lost).</param>
/// <param name="LostAh">The same as charge, A·h.</param>
/// <param name="QLiAh">Estimated effective Q_Li, A·h.</param>
/// <param name="QLiSigmaAh">Its σ, A·h.</param>
/// <param name="QLiDriftAh">Change of the estimated Q_Li since the previous cycle, A·h.</param>
/// <param name="QLiChangeRelative">(estimated − configured Q_Li) / configured.</param>
/// <param name="CurrentOffsetA">Estimated current offset, A.</param>
/// <param name="CurrentOffsetSigmaA">Its σ, A.</param>
/// <param name="Diagnosis">"no_measurement", "consistent", "offset_or_shuttle", "active_material_loss",
/// "q_li_configured_too_small" or "lithium_inventory_shift".</param>
public sealed record InventoryInfo(
    [property: JsonPropertyName("cycle")] int Cycle,
    [property: JsonPropertyName("end_of_charge_c_li")] double? EndOfChargeCLi,
    [property: JsonPropertyName("end_of_charge_c_li_sigma")] double? EndOfChargeSigma,
    [property: JsonPropertyName("end_of_charge_c_li_counted")] double? EndOfChargeCountedCLi,
    [property: JsonPropertyName("end_of_discharge_c_li")] double? EndOfDischargeCLi,
    [property: JsonPropertyName("end_of_discharge_c_li_sigma")] double? EndOfDischargeSigma,
    [property: JsonPropertyName("end_of_discharge_c_li_counted")] double? EndOfDischargeCountedCLi,
    [property: JsonPropertyName("lost_c_li")] double? LostCLi,
    [property: JsonPropertyName("lost_Ah")] double? LostAh,
    [property: JsonPropertyName("q_li_Ah")] double? QLiAh,
    [property: JsonPropertyName("q_li_sigma_Ah")] double? QLiSigmaAh,
    [property: JsonPropertyName("q_li_drift_Ah")] double? QLiDriftAh,
    [property: JsonPropertyName("q_li_change_relative")] double? QLiChangeRelative,
    [property: JsonPropertyName("current_offset_A")] double? CurrentOffsetA,
    [property: JsonPropertyName("current_offset_sigma_A")] double? CurrentOffsetSigmaA,
    [property: JsonPropertyName("diagnosis")] string Diagnosis)
{
    /// <summary>From a cycle's inventory.</summary>
    /// <param name="r">The inventory row.</param>
    /// <returns>The API form.</returns>
    public static InventoryInfo From(LithiumInventory r) => new(r.Cycle,
        F(r.LowestCLi), F(r.LowestSigma), F(r.LowestCountedCLi), F(r.HighestCLi), F(r.HighestSigma), F(r.HighestCountedCLi),
        F(r.LostCLi), F(r.LostAh), F(r.QLiAh), F(r.QLiSigmaAh), F(r.QLiDriftAh), F(r.QLiChangeRelative),
        F(r.CurrentOffsetA), F(r.CurrentOffsetSigmaA), r.Diagnosis.Name());

    private static double? F(double x) => double.IsFinite(x) ? x : null;
}

/// <summary><c>GET /api/cells/{id}/history</c>: recent outputs, cycle metrics, lithium inventory and transitions.</summary>
/// <param name="Cell">Cell id.</param>
/// <param name="Points">Recent points, oldest first.</param>
/// <param name="Cycles">Per-cycle metrics kept by the twin.</param>
/// <param name="Transitions">Recent zone transitions.</param>
/// <param name="Inventory">Lithium inventory per cycle, in the order of <paramref name="Cycles"/>.</param>
public sealed record CellHistory(
    [property: JsonPropertyName("cell")] string Cell,
    [property: JsonPropertyName("points")] IReadOnlyList<HistoryPointInfo> Points,
    [property: JsonPropertyName("cycles")] IReadOnlyList<CycleMetrics> Cycles,
    [property: JsonPropertyName("transitions")] IReadOnlyList<ZoneTransitionPayload> Transitions,
    [property: JsonPropertyName("inventory")] IReadOnlyList<InventoryInfo> Inventory);

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
[JsonSerializable(typeof(TelemetryReply))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
