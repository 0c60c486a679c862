using Twin.Core.Cutoff;
using Twin.Core.Safety;
using Twin.Messaging.Contracts;
using Twin.Service.Config;

namespace Twin.Service.Ingest;

/// <summary>
/// What a cell looks like after one committed change (a stored batch, a pattern, new settings): immutable, published
/// atomically by <see cref="CellRuntime"/>, so the REST API and the dashboard read a consistent cell without its lock.
/// The cycle metrics are copies that nothing changes after publication.
/// </summary>
/// <param name="Cell">The cell with the settings in force (limits, cut-off policy).</param>
/// <param name="State">The latest state payload, or null before the first sample since the service started.</param>
/// <param name="Zone">Zone now.</param>
/// <param name="CLi">c_Li now.</param>
/// <param name="Decision">The cut-off decision of the last sample, or null before the first sample since the start.</param>
/// <param name="RecommendedCutoffV">Learned voltage cut-off, V; NaN until a charge reached c_Li,min.</param>
/// <param name="LastTimeUnixNs">Stored time of the last applied sample, ns since the Unix epoch (0 before any).</param>
/// <param name="LastSeq">Sequence number of the last applied sample (active source session), or null.</param>
/// <param name="Sequence">Sequence counts since the cell's first sample.</param>
/// <param name="Rejected">Rejection counts since the cell's first sample.</param>
/// <param name="OpenCycle">Metrics of the open cycle.</param>
/// <param name="ClosedCycles">Metrics of the closed cycles the twin keeps, oldest first.</param>
/// <param name="Transitions">The most recent zone transitions, oldest first (at most <see cref="CellRuntime.RecentTransitions"/>).</param>
/// <param name="TransitionsTotal">Transitions since the service started watching the cell.</param>
/// <param name="Patterns">The most recent pattern records, oldest first (at most <see cref="CellRuntime.RecentPatternCount"/>).</param>
/// <param name="Version">Increases with every published snapshot of the cell.</param>
public sealed record CellSnapshot(
    ExperimentCell Cell,
    TwinStatePayload? State,
    Zone Zone,
    double CLi,
    CutoffDecision? Decision,
    double RecommendedCutoffV,
    long LastTimeUnixNs,
    long? LastSeq,
    SequenceCounts Sequence,
    RejectionCounts Rejected,
    CycleMetrics OpenCycle,
    IReadOnlyList<CycleMetrics> ClosedCycles,
    IReadOnlyList<ZoneTransition> Transitions,
    long TransitionsTotal,
    IReadOnlyList<PatternRecord> Patterns,
    long Version)
{
    /// <summary>Site id.</summary>
    public string Site => Cell.Site;

    /// <summary>Cell id.</summary>
    public string CellId => Cell.Config.CellId;

    /// <summary>"site/cell".</summary>
    public string Key => Cell.Site + "/" + Cell.Config.CellId;

    /// <summary>The c_Li estimator's numbers at this snapshot.</summary>
    public Twin.Service.Estimation.EstimatorSnapshot? Estimator { get; init; }

    /// <summary>The latest pattern record, or null.</summary>
    public PatternRecord? LastPattern => Patterns.Count == 0 ? null : Patterns[^1];

    /// <summary>Every cycle the twin keeps, the open one last.</summary>
    public IEnumerable<CycleMetrics> Cycles => ClosedCycles.Append(OpenCycle);

    /// <summary>The alarm payload of this state.</summary>
    /// <param name="alarmId">Id of the cell's alarm that needs attention, or null.</param>
    /// <param name="acknowledgedBy">Who acknowledged that alarm, or null.</param>
    /// <returns>The payload.</returns>
    public AlarmPayload Alarm(long? alarmId, string? acknowledgedBy) =>
        AlarmPayloads.Build(Cell, Zone, LastTimeUnixNs, TransitionsTotal, Transitions, alarmId, acknowledgedBy);
}

/// <summary>Builds a cell's alarm payload (wire strings for the typed zone and transitions).</summary>
public static class AlarmPayloads
{
    /// <summary>The payload.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="zone">Zone now.</param>
    /// <param name="timeUnixNs">Time of the state.</param>
    /// <param name="transitionsTotal">Transitions since the service started watching.</param>
    /// <param name="recent">Recent transitions, oldest first.</param>
    /// <param name="alarmId">Open alarm id, or null.</param>
    /// <param name="acknowledgedBy">Who acknowledged it, or null.</param>
    /// <returns>The payload.</returns>
    public static AlarmPayload Build(ExperimentCell cell, Zone zone, long timeUnixNs, long transitionsTotal, IEnumerable<ZoneTransition> recent,
        long? alarmId, string? acknowledgedBy) => new()
    {
        Site = cell.Site,
        Cell = cell.Config.CellId,
        Zone = zone.Name(),
        Active = zone >= Zone.Critical,
        TimeUnixNs = timeUnixNs,
        TransitionsTotal = transitionsTotal,
        Recent = [.. recent.Select(t => t.ToPayload())],
        AlarmId = alarmId,
        Acknowledged = alarmId is null ? null : acknowledgedBy is not null,
        AcknowledgedBy = acknowledgedBy,
    };
}
