using Twin.Core.Cells;
using Twin.Core.Cutoff;
using Twin.Core.Safety;
using Twin.Core.Samples;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.State;

namespace Twin.Service.Ingest;

/// <summary>
/// One cell's live twin inside the service: applies telemetry in sequence order (duplicates dropped, gaps
/// counted), keeps the latest state, recent transitions and a bounded recent history, and produces the
/// checkpoint record. Callers serialise access with <see cref="Lock"/>.
/// </summary>
public sealed class CellRuntime
{
    /// <summary>Cycles kept in each checkpoint (the open one and its predecessors).</summary>
    public const int CheckpointCycles = 4;

    /// <summary>Recent transitions kept for the alarm payload and the API.</summary>
    public const int RecentTransitions = 20;

    private readonly Queue<ZoneTransitionPayload> _transitions = new();
    private readonly RecentHistory _history;

    /// <summary>Creates the runtime, resuming from <paramref name="saved"/> when given.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="saved">The last durable state of the cell, or null for a fresh start.</param>
    /// <param name="historyCapacity">Recent outputs kept for <c>/api/cells/{id}/history</c>.</param>
    /// <exception cref="ArgumentException">The saved state belongs to another cell or material.</exception>
    public CellRuntime(ExperimentCell cell, CellStateRecord? saved, int historyCapacity = 120)
    {
        Cell = cell;
        _history = new RecentHistory(historyCapacity);
        Reset(saved);
        Resumed = saved is not null;
    }

    /// <summary>Goes back to a saved state (or the initial one), e.g. after a batch could not be stored.</summary>
    /// <param name="saved">The last durable state, or null for the configured start.</param>
    /// <exception cref="ArgumentException">The saved state belongs to another cell or material.</exception>
    public void Reset(CellStateRecord? saved)
    {
        Twin = saved is null ? new CellTwin(Cell.Config) : new CellTwin(Cell.Config, saved.Checkpoint);
        Sequence = new SequenceTracker(saved?.LastSeq);
        LastTimeUnixNs = saved?.LastTimeUnixNs ?? 0;
    }

    /// <summary>The cell, with the settings in force (see <see cref="Reconfigure"/>).</summary>
    public ExperimentCell Cell { get; private set; }

    /// <summary>Pattern records kept for the dashboard's markers.</summary>
    public const int RecentPatternCount = 200;

    private readonly Queue<PatternRecord> _patterns = new();

    /// <summary>The most recent pattern records, oldest first.</summary>
    public IReadOnlyList<PatternRecord> Patterns => [.. _patterns];

    /// <summary>The latest pattern record, or null before the first.</summary>
    public PatternRecord? LastPattern { get; private set; }

    /// <summary>Keeps a stored pattern record for <see cref="Patterns"/>.</summary>
    /// <param name="p">The record, with c_Li at mid-exposure filled in.</param>
    public void RecordPattern(PatternRecord p)
    {
        LastPattern = p;
        _patterns.Enqueue(p);
        while (_patterns.Count > RecentPatternCount) _patterns.Dequeue();
    }

    /// <summary>
    /// Changes the cell's safety-window limits and cut-off policy while it runs: the twin continues from its
    /// present state (c_Li, cycles, zone) under the new settings, which apply from the next sample on.
    /// </summary>
    /// <param name="limits">New limits.</param>
    /// <param name="cutoff">New cut-off policy.</param>
    /// <exception cref="ArgumentException">The new configuration is invalid; nothing changes.</exception>
    public void Reconfigure(SafetyLimits limits, LithiumCutoffPolicy cutoff)
    {
        var config = Cell.Config with { Limits = limits, Cutoff = cutoff };
        var twin = new CellTwin(config, Twin.Checkpoint());
        Cell = Cell with { Config = config };
        Twin = twin;
    }

    /// <summary>The twin.</summary>
    public CellTwin Twin { get; private set; } = null!;

    /// <summary>Sequence bookkeeping of the cell's telemetry.</summary>
    public SequenceTracker Sequence { get; private set; } = null!;

    /// <summary>Serialises message handling for this cell.</summary>
    public SemaphoreSlim Lock { get; } = new(1, 1);

    /// <summary>True when the runtime resumed from a checkpoint.</summary>
    public bool Resumed { get; }

    /// <summary>Stored time of the last sample applied, ns since the Unix epoch (0 before any); strictly increasing.</summary>
    public long LastTimeUnixNs { get; private set; }

    /// <summary>Transitions since the service started watching the cell.</summary>
    public long TransitionsTotal { get; private set; }

    /// <summary>The latest state payload, or null before the first sample.</summary>
    public TwinStatePayload? LastState { get; private set; }

    /// <summary>The recent transitions, oldest first.</summary>
    public IReadOnlyList<ZoneTransitionPayload> Transitions => [.. _transitions];

    /// <summary>Recent twin outputs, oldest first.</summary>
    public RecentHistory History => _history;

    /// <summary>Applies one telemetry message.</summary>
    /// <param name="message">A validated message.</param>
    /// <returns>The batch to store (possibly empty when every sample was a duplicate).</returns>
    public IngestBatch Apply(TelemetryMessage message)
    {
        var accepted = new List<IngestedSample>(message.Samples.Count);
        var transitions = new List<ZoneTransitionPayload>();
        foreach (var s in message.Samples)
        {
            if (Sequence.Observe(s.Seq) == SequenceVerdict.Duplicate) continue;
            var sample = new CyclerSample(s.TimeUnixNs / 1e9, s.VoltageV!.Value, s.CurrentA!.Value, s.ChargeAh ?? double.NaN,
                s.CounterSegment, s.Step, s.Cycle, StepKindNames.Parse(s.Kind), s.TemperatureC ?? double.NaN);
            var o = Twin.Update(sample);
            long storeNs = Math.Max(s.TimeUnixNs, LastTimeUnixNs + 1);
            accepted.Add(new IngestedSample(s, o, storeNs));
            _history.Add(s.TimeUnixNs, o);
            LastTimeUnixNs = storeNs;
            if (o.ZoneChanged)
            {
                var t = new ZoneTransitionPayload { TimeUnixNs = s.TimeUnixNs, From = o.PreviousZone.Name(), To = o.Zone.Name(), CLi = o.CLi, VoltageV = o.VoltageV, Step = o.Step };
                transitions.Add(t);
                _transitions.Enqueue(t);
                while (_transitions.Count > RecentTransitions) _transitions.Dequeue();
                TransitionsTotal++;
            }
        }
        if (accepted.Count > 0) LastState = State(accepted[^1]);
        return new IngestBatch(Cell, message.Instrument, accepted, transitions);
    }

    /// <summary>The alarm payload for the present zone and recent transitions.</summary>
    /// <param name="alarmId">Id of the cell's alarm that needs attention, or null.</param>
    /// <param name="acknowledgedBy">Who acknowledged that alarm, or null.</param>
    /// <returns>The payload.</returns>
    public AlarmPayload Alarm(long? alarmId = null, string? acknowledgedBy = null) => new()
    {
        Site = Cell.Site,
        Cell = Cell.Config.CellId,
        Zone = Twin.Zone.Name(),
        Active = Twin.Zone >= Zone.Critical,
        TimeUnixNs = LastTimeUnixNs,
        TransitionsTotal = TransitionsTotal,
        Recent = [.. _transitions],
        AlarmId = alarmId,
        Acknowledged = alarmId is null ? null : acknowledgedBy is not null,
        AcknowledgedBy = acknowledgedBy,
    };

    /// <summary>The durable state record of the cell now.</summary>
    /// <returns>The record to save.</returns>
    public CellStateRecord Checkpoint() => new(Cell.Site, Cell.Config.CellId, Sequence.LastSeq, LastTimeUnixNs, Twin.Checkpoint(CheckpointCycles));

    private TwinStatePayload State(IngestedSample last)
    {
        var o = last.Output;
        var cycle = Twin.CurrentCycle;
        double cut = Twin.RecommendedCutoffV;
        return new TwinStatePayload
        {
            Site = Cell.Site,
            Cell = Cell.Config.CellId,
            Material = Cell.Config.Material.Name,
            TimeUnixNs = last.Sample.TimeUnixNs,
            Seq = last.Sample.Seq,
            CLi = o.CLi,
            ChargeAh = o.ChargeAh,
            VoltageV = o.VoltageV,
            CurrentA = o.CurrentA,
            AA = o.AA,
            CA = o.CA,
            DIlA = o.DIlA,
            VolumeA3 = o.VolumeA3,
            EpsA = o.EpsA,
            EpsC = o.EpsC,
            EpsAniso = o.EpsAniso,
            Zone = o.Zone.Name(),
            Cycle = o.Cycle,
            Step = o.Step,
            TimeToCriticalS = double.IsFinite(o.TimeToCriticalS) ? o.TimeToCriticalS : null,
            Cutoff = o.Decision.Name(),
            RecommendedCutoffV = double.IsNaN(cut) ? null : cut,
            CycleMinCLi = double.IsFinite(cycle.MinCLi) ? cycle.MinCLi : o.CLi,
            CycleTimeBelowCriticalS = cycle.TimeBelowCriticalS,
            CycleStrainDoseS = cycle.StrainDoseS,
        };
    }
}
