using Twin.Core.Estimation;
using Twin.Core.Cells;
using Twin.Core.Cutoff;
using Twin.Core.Safety;
using Twin.Core.Samples;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Estimation;
using Twin.Service.State;

namespace Twin.Service.Ingest;

/// <summary>
/// One cell's live twin inside the service. <see cref="Apply"/> runs validated samples through the cell's sequence
/// window (<see cref="SequenceTracker"/>: duplicates dropped, gaps counted, source sessions followed, outliers rejected
/// with their reason), maps their charge counters (<see cref="CounterContinuity"/>) and updates the twin; the caller
/// stores the batch and the checkpoint, then <see cref="Commit"/> publishes a new immutable <see cref="CellSnapshot"/>
/// — or <see cref="Rollback"/> returns to the last durable state when the batch could not be stored. Everything but
/// <see cref="Snapshot"/> and <see cref="History"/> is to be used under <see cref="Lock"/>.
/// </summary>
public sealed class CellRuntime
{
    /// <summary>Cycles kept in each checkpoint (the open one and its predecessors).</summary>
    public const int CheckpointCycles = 4;

    /// <summary>Recent transitions kept for the alarm payload and the API.</summary>
    public const int RecentTransitions = 20;

    /// <summary>Pattern records kept for the dashboard's markers.</summary>
    public const int RecentPatternCount = 200;

    private readonly RecentHistory _history;
    private readonly RejectionLedger _rejections;
    private SequenceTracker _sequence = null!;
    private CounterContinuity _counters = null!;
    private CellStateRecord? _durable;
    private ZoneTransition[] _transitions = [];
    private long _transitionsTotal;
    private PatternRecord[] _patterns = [];
    private TwinStatePayload? _state;
    private CutoffDecision? _decision;
    private IReadOnlyList<CycleMetrics> _closedCycles = [];
    private (CellTwin? Twin, int Count, int Last) _closedKey;
    private CellSnapshot _snapshot = null!;
    private long _version;
    private readonly PatternObservations _observations;
    private readonly RestVoltageChannel? _rest;
    private bool _outOfRange;

    /// <summary>Creates the runtime, resuming from <paramref name="saved"/> when given.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="saved">The last durable state of the cell, or null for a fresh start.</param>
    /// <param name="historyCapacity">Recent outputs kept for <c>/api/cells/{id}/history</c>.</param>
    /// <exception cref="ArgumentException">The saved state belongs to another cell or material.</exception>
    public CellRuntime(ExperimentCell cell, CellStateRecord? saved, int historyCapacity = 120)
    {
        Cell = cell;
        _history = new RecentHistory(historyCapacity);
        _rejections = new RejectionLedger(FromRecord(saved?.Rejected));
        _observations = new PatternObservations(new Twin.Core.Lattice.LatticeModel(cell.Config.Material));
        _rest = RestVoltageChannel.For(cell);
        Restore(saved);
        Resumed = saved is not null;
        ResumeChanges = Twin.ConfigChanges;
        // a changed c_li0/q_li_Ah was applied to the resumed twin: the next save makes it durable
        if (ResumeChanges.Count > 0) CheckpointPending = true;
        Publish(Twin.CurrentCycle.Clone());
    }

    /// <summary>The cell, with the settings in force (see <see cref="Reconfigure"/>).</summary>
    public ExperimentCell Cell { get; private set; }

    /// <summary>The live twin; read it only under <see cref="Lock"/> (elsewhere read <see cref="Snapshot"/>).</summary>
    public CellTwin Twin { get; private set; } = null!;

    /// <summary>Serialises message handling for this cell.</summary>
    public SemaphoreSlim Lock { get; } = new(1, 1);

    /// <summary>Telemetry messages waiting for <see cref="Lock"/>, handled as a group by the handler that holds it.</summary>
    internal IngestInbox Inbox { get; } = new();

    /// <summary>Telemetry messages waiting for the cell (queued behind the group being stored).</summary>
    public int MessagesWaiting => Inbox.Count;

    /// <summary>True when the runtime resumed from a checkpoint.</summary>
    public bool Resumed { get; }

    /// <summary>
    /// c_li0/q_li_Ah of the experiment file that differed from the checkpoint the runtime resumed from, each applied to
    /// the twin (<see cref="CellTwin.ConfigChanges"/>); empty when the file matched or nothing was resumed.
    /// </summary>
    public IReadOnlyList<PriorChange> ResumeChanges { get; }

    /// <summary>
    /// Changes the live twin between two messages (an operator's correction); under <see cref="Lock"/>. Save a
    /// <see cref="Checkpoint"/> and <see cref="Commit"/> it to make it durable and publish it.
    /// </summary>
    /// <typeparam name="T">What the change returns.</typeparam>
    /// <param name="change">The change; an exception from it propagates, after a <see cref="Rollback"/> when it had
    /// changed the twin's estimator already (nothing is left half done).</param>
    /// <returns>Its result.</returns>
    public T ChangeTwin<T>(Func<CellTwin, T> change)
    {
        var before = Twin.Estimator.State;
        try
        {
            var result = change(Twin);
            CheckpointPending = true;
            return result;
        }
        catch when (Twin.Estimator.State != before)
        {
            Rollback();
            throw;
        }
    }

    /// <summary>The checkpoint the runtime last saved or resumed from, or null.</summary>
    public CellStateRecord? Durable => _durable;

    /// <summary>True while the live state is ahead of the last durable checkpoint (applied samples, recorded
    /// rejections or new settings not yet saved): the next message must save a checkpoint before it completes.</summary>
    public bool CheckpointPending { get; private set; }

    /// <summary>Stored time of the last applied sample, ns since the Unix epoch (0 before any); strictly increasing.</summary>
    public long LastTimeUnixNs { get; private set; }

    /// <summary>Sequence number of the last applied sample (live, active source session), or null.</summary>
    public long? LastSeq => _sequence.LastSeq;

    /// <summary>Sequence counts now (live; the published ones are in <see cref="Snapshot"/>).</summary>
    public SequenceCounts SequenceCounts => _sequence.Counts;

    /// <summary>The cell as of its last committed change; safe to read from any thread without the lock.</summary>
    public CellSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>The latest state payload of <see cref="Snapshot"/>, or null before the first sample.</summary>
    public TwinStatePayload? LastState => Snapshot.State;

    /// <summary>The latest pattern record of <see cref="Snapshot"/>, or null.</summary>
    public PatternRecord? LastPattern => Snapshot.LastPattern;

    /// <summary>The most recent pattern records of <see cref="Snapshot"/>, oldest first.</summary>
    public IReadOnlyList<PatternRecord> Patterns => Snapshot.Patterns;

    /// <summary>The cell's diffraction patterns as c_Li measurements (fitter, inversion, pending records); under the lock
    /// except <see cref="PatternObservations.Fitter"/>.</summary>
    public PatternObservations Observations => _observations;

    /// <summary>The cell's rest voltages as c_Li measurements, or null when its counter electrode is not set.</summary>
    public RestVoltageChannel? RestVoltage => _rest;

    /// <summary>Rate limit of this cell's log lines about its source sessions and gaps (under the lock).</summary>
    public LogThrottle LogLimit { get; } = new(RejectionLedger.LogInterval);

    /// <summary>Recent twin outputs, oldest first (thread-safe; holds committed samples only).</summary>
    public RecentHistory History => _history;

    /// <summary>
    /// Applies validated samples: each goes through the sequence window and the counter check, then the twin. Changes
    /// the live state only; store the batch and a <see cref="Checkpoint"/>, then <see cref="Commit"/> (or <see cref="Rollback"/>).
    /// </summary>
    /// <param name="samples">The message's samples, in message order.</param>
    /// <param name="instrument">The instrument named by the message, or null.</param>
    /// <param name="nowUnixNs">The service's clock, ns since the Unix epoch.</param>
    /// <returns>The batch: applied samples with outputs, duplicates, rejections (already counted), session changes.</returns>
    public IngestBatch Apply(IReadOnlyList<IngestSample> samples, string? instrument, long nowUnixNs)
    {
        var applied = new List<IngestedSample>(samples.Count);
        List<ZoneTransition>? transitions = null;
        List<SampleRejection>? rejections = null;
        List<string>? sessions = null;
        List<RestRecord>? rests = null;
        List<CLiRangeEvent>? ranges = null;
        int duplicates = 0;
        var before = _sequence.Counts;
        for (int i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            var d = _sequence.Classify(s.Seq, s.TimeUnixNs, nowUnixNs);
            if (d.Verdict == SequenceVerdict.Duplicate)
            {
                _sequence.Record(d, s.Seq, s.TimeUnixNs);
                duplicates++;
                continue;
            }
            string? rejected = d.Verdict == SequenceVerdict.Rejected ? d.Detail : _counters.Check(s, d.Verdict);
            if (rejected is not null)
            {
                var reason = d.Verdict == SequenceVerdict.Rejected ? RejectionReasons.Of(d.Rejection) : RejectionReason.CounterJump;
                var r = new SampleRejection(i, s.Seq, reason, rejected);
                (rejections ??= []).Add(r);
                RejectionsToLog.Add((r, _rejections.RecordSample(reason, rejected, nowUnixNs)));
                continue;
            }
            _sequence.Record(d, s.Seq, s.TimeUnixNs);
            if (d.Detail is not null) (sessions ??= []).Add(d.Detail);
            var (counter, segment) = _counters.Map(s, d.Verdict);
            var cs = new CyclerSample(s.TimeUnixNs / 1e9, s.VoltageV, s.CurrentA, counter, segment, s.Step, s.Cycle, s.Kind, s.TemperatureC);
            var o = Twin.Update(cs);
            if (_rest?.Add(cs, Twin) is { } rest) (rests ??= []).Add(rest);
            if (o.CLiOutOfRange != _outOfRange)
            {
                _outOfRange = o.CLiOutOfRange;
                (ranges ??= []).Add(new CLiRangeEvent(s.TimeUnixNs, o.CLi, o.CLiSigma, _outOfRange));
            }
            long storeNs = Math.Max(s.TimeUnixNs, LastTimeUnixNs + 1);
            LastTimeUnixNs = storeNs;
            applied.Add(new IngestedSample(s, o, storeNs));
            _decision = o.Decision;
            if (o.ZoneChanged)
            {
                var t = new ZoneTransition(s.TimeUnixNs, o.PreviousZone, o.Zone, o.CLi, o.VoltageV, o.Step);
                (transitions ??= []).Add(t);
                _transitions = [.. _transitions.Skip(Math.Max(0, _transitions.Length + 1 - RecentTransitions)), t];
                _transitionsTotal++;
            }
        }
        if (applied.Count > 0) _state = State(applied[^1]);
        var updates = applied.Count > 0 ? _observations.OfferPending(Twin, t => CountedAt(t, applied)) : [];
        if (applied.Count > 0 || rejections is not null) CheckpointPending = true;
        var after = _sequence.Counts;
        return new IngestBatch(Cell, instrument, applied, (IReadOnlyList<ZoneTransition>?)transitions ?? [])
        {
            Duplicates = duplicates,
            Rejections = (IReadOnlyList<SampleRejection>?)rejections ?? [],
            SessionChanges = (IReadOnlyList<string>?)sessions ?? [],
            GapsSeen = (after.Gaps - before.Gaps, after.Missing - before.Missing),
            State = applied.Count > 0 ? _state : null,
            PatternUpdates = updates,
            Rests = (IReadOnlyList<RestRecord>?)rests ?? [],
            RangeEvents = (IReadOnlyList<CLiRangeEvent>?)ranges ?? [],
        };
    }

    /// <summary>
    /// Rejections recorded by <see cref="Apply"/> and <see cref="RecordRejectedMessage"/> with the count to put in a log
    /// line (0: stay quiet, rate limit); the caller logs and clears them.
    /// </summary>
    public List<(SampleRejection Rejection, long LogCount)> RejectionsToLog { get; } = [];

    /// <summary>Records a message rejected as a whole (invalid, too large): counted per reason, kept in the next checkpoint.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="detail">What was wrong and what was expected.</param>
    /// <param name="nowUnixNs">The service's clock.</param>
    /// <returns>The number of rejections to report in a log line now (0: stay quiet).</returns>
    public long RecordRejectedMessage(RejectionReason reason, string detail, long nowUnixNs)
    {
        CheckpointPending = true;
        return _rejections.RecordMessage(reason, detail, nowUnixNs);
    }

    /// <summary>
    /// Makes the live state the published one after its checkpoint (<paramref name="durable"/>, taken with
    /// <see cref="Checkpoint"/> after the last change) is on disk: adds the batch to the history and publishes a new
    /// <see cref="Snapshot"/>.
    /// </summary>
    /// <param name="batch">The stored batch, or null after a change without samples (rejections, settings).</param>
    /// <param name="durable">The checkpoint now on disk.</param>
    public void Commit(IngestBatch? batch, CellStateRecord durable)
    {
        if (batch is not null) foreach (var s in batch.Samples) _history.Add(s.Sample.TimeUnixNs, s.Output);
        if (batch is not null) foreach (var p in batch.PatternUpdates) KeepPattern(p);
        _durable = durable;
        CheckpointPending = false;
        Publish(durable.Checkpoint.Cycles[^1]);
    }

    /// <summary>Publishes the sequence counts after a message that changed nothing else (only duplicates).</summary>
    public void PublishCounts() => Volatile.Write(ref _snapshot, _snapshot with { Sequence = _sequence.Counts, Version = ++_version });

    /// <summary>
    /// Goes back to the last durable state after a batch could not be stored: twin, sequence window and counters as
    /// in the last checkpoint; the published snapshot still shows that state. Rejection counts are kept.
    /// </summary>
    /// <exception cref="ArgumentException">The saved state belongs to another cell or material.</exception>
    public void Rollback()
    {
        Restore(_durable);
        var s = Snapshot;
        _transitions = [.. s.Transitions];
        _transitionsTotal = s.TransitionsTotal;
        _state = s.State;
        _decision = s.Decision;
        CheckpointPending = false;
    }

    /// <summary>Keeps a stored pattern record and publishes it in a new <see cref="Snapshot"/>.</summary>
    /// <param name="p">The record, with c_Li at mid-exposure filled in.</param>
    public void RecordPattern(PatternRecord p)
    {
        KeepPattern(p);
        Publish(Twin.CurrentCycle.Clone());
    }

    /// <summary>
    /// Offers a pattern record's lattice to the estimator (<see cref="PatternObservations.Offer"/>): the twin may change
    /// and the record may wait for its samples, so the caller stores the returned record, then saves a
    /// <see cref="Checkpoint"/> and commits it (or <see cref="Rollback"/>s when the store refuses).
    /// </summary>
    /// <param name="p">The validated record with c_li_mid filled in.</param>
    /// <param name="lattice">Its lattice, resolved outside the lock.</param>
    /// <param name="dropped">A waiting record dropped to make room, or null.</param>
    /// <returns>The record to store.</returns>
    public PatternRecord ObservePattern(PatternRecord p, PatternLattice lattice, out PatternRecord? dropped)
    {
        var r = _observations.Offer(p, lattice, Twin, CountedAt(PatternObservations.Mid(p), null), out dropped);
        CheckpointPending = true;
        return r;
    }

    private void KeepPattern(PatternRecord p)
    {
        int at = Array.FindLastIndex(_patterns, q => q.PatternId == p.PatternId);
        if (at >= 0)
        {
            _patterns = [.. _patterns];
            _patterns[at] = p;
            return;
        }
        _patterns = [.. _patterns.Skip(Math.Max(0, _patterns.Length + 1 - RecentPatternCount)), p];
    }

    /// <summary>Counted c_Li at a time, interpolated over the committed history and the batch being applied; the
    /// present counted value at or after the last sample; NaN before the oldest point kept.</summary>
    private double CountedAt(long timeUnixNs, IReadOnlyList<IngestedSample>? batch)
    {
        var points = _history.Snapshot().Select(h => (h.TimeUnixNs, h.CLiCounted))
            .Concat(batch?.Select(b => (b.Sample.TimeUnixNs, b.Output.CLiCounted)) ?? []).ToList();
        if (points.Count == 0 || timeUnixNs >= points[^1].TimeUnixNs) return Twin.Estimator.CountedCLi;
        for (int i = points.Count - 1; i > 0; i--)
        {
            var (t0, c0) = points[i - 1];
            var (t1, c1) = points[i];
            if (t0 <= timeUnixNs && timeUnixNs <= t1)
                return t1 == t0 ? c1 : c0 + (c1 - c0) * (timeUnixNs - t0) / (double)(t1 - t0);
        }
        return double.NaN;
    }

    /// <summary>
    /// Changes the cell's safety-window limits and cut-off policy while it runs: the twin continues from its
    /// present state (c_Li, cycles, zone) under the new settings, which apply from the next sample on. Save a
    /// <see cref="Checkpoint"/> and <see cref="Commit"/> it to publish the change.
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
        CheckpointPending = true;
    }

    /// <summary>The live alarm payload (zone and recent transitions including the batch being applied); under the lock.</summary>
    /// <param name="alarmId">Id of the cell's alarm that needs attention, or null.</param>
    /// <param name="acknowledgedBy">Who acknowledged that alarm, or null.</param>
    /// <returns>The payload.</returns>
    public AlarmPayload Alarm(long? alarmId = null, string? acknowledgedBy = null) =>
        AlarmPayloads.Build(Cell, Twin.Zone, LastTimeUnixNs, _transitionsTotal, _transitions, alarmId, acknowledgedBy);

    /// <summary>The durable state record of the cell now.</summary>
    /// <param name="savedUnixMs">When it is taken, service clock, ms since the Unix epoch (0: unknown).</param>
    /// <param name="cleanStop">True when taken by a normal stop after the cell's last message.</param>
    /// <returns>The record to save.</returns>
    public CellStateRecord Checkpoint(long savedUnixMs = 0, bool cleanStop = false)
    {
        var q = _sequence.State;
        var r = _rejections.Counts;
        return new(Cell.Site, Cell.Config.CellId, _sequence.LastSeq, LastTimeUnixNs, Twin.Checkpoint(CheckpointCycles))
        {
            Sequence = new SequenceRecord(PositionRecord.From(q.Current), PositionRecord.From(q.Previous), _sequence.Counts, q.Skipped),
            Counters = _counters.State,
            SavedUnixMs = savedUnixMs,
            CleanStop = cleanStop,
            Rejected = r.Messages.Count + r.Samples.Count == 0 ? null : new RejectedRecord(
                r.Messages.ToDictionary(kv => kv.Key.Name(), kv => kv.Value), r.Samples.ToDictionary(kv => kv.Key.Name(), kv => kv.Value)),
            PendingPatterns = _observations.Pending.Count == 0 ? null : [.. _observations.Pending],
            PatternIds = [.. _observations.Ids],
        };
    }

    private void Restore(CellStateRecord? saved)
    {
        _durable = saved;
        Twin = saved is null ? new CellTwin(Cell.Config) : new CellTwin(Cell.Config, saved.Checkpoint);
        LastTimeUnixNs = saved?.LastTimeUnixNs ?? 0;
        _sequence = saved switch
        {
            null => new SequenceTracker(),
            { Sequence: { } q } => new SequenceTracker(new SequenceState(q.Current?.ToPosition(), q.Previous?.ToPosition(), q.Skipped), q.Counts),
            _ => new SequenceTracker(new SequenceState(saved.LastSeq is long l ? new SourcePosition(l, saved.LastTimeUnixNs) : null, null)),
        };
        _counters = new CounterContinuity(Cell.Config.QLiAh, Twin.Checkpoint(1).Estimator, saved?.Counters, LastTimeUnixNs);
        _observations.Restore(saved?.PendingPatterns, saved?.PatternIds);
        _rest?.Reset();
        _outOfRange = false;
    }

    private void Publish(CycleMetrics openCycle)
    {
        var cycles = Twin.Cycles;
        var key = (Twin, cycles.Count, cycles[^1].Cycle);
        if (key != _closedKey)
        {
            _closedCycles = [.. cycles.Take(cycles.Count - 1).Select(c => c.Clone())];
            _closedKey = key;
        }
        var snapshot = new CellSnapshot(Cell, _state, Twin.Zone, Twin.CLi, _decision, Twin.RecommendedCutoffV, LastTimeUnixNs, _sequence.LastSeq,
            _sequence.Counts, _rejections.Counts, openCycle, _closedCycles, _transitions, _transitionsTotal, _patterns, ++_version)
        { Estimator = EstimatorSnapshot.Of(Twin.Estimator, _observations.Pending.Count) };
        Volatile.Write(ref _snapshot, snapshot);
    }

    private static RejectionCounts? FromRecord(RejectedRecord? r)
    {
        if (r is null) return null;
        static Dictionary<RejectionReason, long> Typed(Dictionary<string, long>? d) =>
            (d ?? []).Where(kv => RejectionReasons.Parse(kv.Key) is not null).ToDictionary(kv => RejectionReasons.Parse(kv.Key)!.Value, kv => kv.Value);
        return new RejectionCounts(Typed(r.Messages), Typed(r.Samples), null);
    }

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
            CLiSigma = o.CLiSigma,
            CLiCounted = double.IsFinite(o.CLiCounted) ? o.CLiCounted : null,
            CLiLow = double.IsFinite(o.CLiLowerBound) ? o.CLiLowerBound : null,
            CLiOutOfRange = o.CLiOutOfRange,
            LatticeExtrapolated = o.LatticeExtrapolated,
            QLiAh = Twin.Estimator.QLiAh,
            CLiMin = Twin.Config.Cutoff.Enabled ? Twin.Config.Cutoff.CLiMin : null,
            QLiSigmaAh = Twin.Estimator.QLiSigmaAh,
        };
    }
}
