using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Core.Samples;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Core.Cutoff;
using Twin.Core.Safety;
using Twin.Service.Alarms;
using Twin.Service.Config;
using Twin.Service.Metrics;
using Twin.Service.State;

namespace Twin.Service.Ingest;

/// <summary>
/// Feeds every configured cell's twin from its telemetry topic and publishes its state (retained) and
/// alarm transitions (retained). Each cell has its own subscription, so cells are processed in parallel
/// and each cell's samples in order. A message counts as handled — and is acknowledged to the broker —
/// only after its samples and the cell's checkpoint are durable, so a crash loses nothing: the broker
/// redelivers what was not acknowledged and the checkpoint's sequence number drops what was already applied.
/// When the store refuses a batch (spool full) the cell waits and retries, leaving its messages unacknowledged.
/// </summary>
public sealed class TwinIngestService : IHostedService, IAsyncDisposable
{
    private readonly IMessageBus _bus;
    private readonly ITwinStore _store;
    private readonly CheckpointStore _checkpoints;
    private readonly ServiceMetrics _metrics;
    private readonly ILogger _log;
    private readonly Dictionary<string, CellRuntime> _cells = new(StringComparer.Ordinal);
    private readonly List<IAsyncDisposable> _subscriptions = [];
    private readonly string _clientId;
    private readonly Func<CancellationToken, Task>? _connectBus;
    private readonly AlarmBook? _alarms;
    private int _stopped;

    /// <summary>Creates the service for an experiment.</summary>
    /// <param name="cells">The experiment's cells.</param>
    /// <param name="bus">The bus (MQTT or in-process).</param>
    /// <param name="store">Telemetry/twin storage.</param>
    /// <param name="checkpoints">Durable per-cell state; cells found there resume.</param>
    /// <param name="metrics">Metrics sink.</param>
    /// <param name="log">Logger.</param>
    /// <param name="clientId">Client id for the status topic.</param>
    /// <param name="connectBus">Connects the bus after the subscriptions are registered, or null.</param>
    /// <param name="alarms">Alarm book raised and cleared from the zone transitions, or null.</param>
    public TwinIngestService(IReadOnlyList<ExperimentCell> cells, IMessageBus bus, ITwinStore store, CheckpointStore checkpoints,
        ServiceMetrics metrics, ILogger<TwinIngestService> log, string clientId = "twin-service", Func<CancellationToken, Task>? connectBus = null,
        AlarmBook? alarms = null)
    {
        _alarms = alarms;
        _connectBus = connectBus;
        _bus = bus;
        _store = store;
        _checkpoints = checkpoints;
        _metrics = metrics;
        _log = log;
        _clientId = clientId;
        foreach (var c in cells)
        {
            var rt = new CellRuntime(c, checkpoints.Get(c.Site, c.Config.CellId));
            _cells[Key(c.Site, c.Config.CellId)] = rt;
            if (rt.Resumed) log.LogInformation("cell {Site}/{Cell} resumed at c_Li = {CLi:0.0000} after seq {Seq}", c.Site, c.Config.CellId, rt.Twin.CLi, rt.Sequence.LastSeq);
        }
    }

    /// <summary>
    /// Raised after each telemetry batch of a cell is stored, checkpointed and its state published, while the
    /// cell's lock is held (so a handler sees <see cref="CellRuntime.LastState"/> of that batch). Handlers must be
    /// quick and must not block; an exception from one is logged and ignored.
    /// </summary>
    public event Action<CellRuntime, IngestBatch>? Applied;

    /// <summary>Raised after a pattern record is stored (c_Li at mid-exposure filled in), under the cell's lock.</summary>
    public event Action<CellRuntime, PatternRecord>? PatternStored;

    /// <summary>The cells, keyed "site/cell".</summary>
    public IReadOnlyDictionary<string, CellRuntime> Cells => _cells;

    /// <summary>Finds a cell by id (any site) or by "site/cell".</summary>
    /// <param name="id">Cell id or "site/cell".</param>
    /// <returns>The runtime, or null.</returns>
    public CellRuntime? Find(string id) =>
        _cells.GetValueOrDefault(id) ?? _cells.Values.FirstOrDefault(c => c.Cell.Config.CellId == id);

    /// <summary>Subscribes to every cell's telemetry and pattern topics and announces the service online.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when subscribed.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Register every subscription first, then connect: messages the broker kept for our persistent session
        // arrive right after CONNACK and must find their handlers.
        var subscribing = new List<Task<IAsyncDisposable>>();
        foreach (var rt in _cells.Values)
        {
            var c = rt.Cell;
            subscribing.Add(_bus.SubscribeAsync(TwinTopics.Telemetry(c.Site, c.Config.CellId), QualityOfService.AtLeastOnce,
                (m, ct) => OnTelemetryAsync(rt, m, ct), cancellationToken).AsTask());
            subscribing.Add(_bus.SubscribeAsync(TwinTopics.Pattern(c.Site, c.Config.CellId), QualityOfService.AtLeastOnce,
                (m, ct) => OnPatternAsync(rt, m, ct), cancellationToken).AsTask());
        }
        if (_connectBus is not null) await _connectBus(cancellationToken).ConfigureAwait(false);
        _subscriptions.AddRange(await Task.WhenAll(subscribing).ConfigureAwait(false));
        foreach (var site in _cells.Values.Select(c => c.Cell.Site).Distinct())
        {
            var status = new StatusPayload { Client = _clientId, State = "online", TimeUnixNs = UnixTime.NowNs() };
            await _bus.PublishAsync(new BusMessage(TwinTopics.Status(site, _clientId), TwinPayloads.Serialize(status), QualityOfService.AtLeastOnce, Retain: true), cancellationToken).ConfigureAwait(false);
        }
        _log.LogInformation("twin service watching {Count} cell(s)", _cells.Count);
    }

    /// <summary>Stops handling (the message being handled finishes first; MQTT subscriptions stay in the broker's session)
    /// and announces the service offline; later calls do nothing.</summary>
    /// <param name="cancellationToken">Cancels the graceful part.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        // Detach, never unsubscribe, on a stop: the broker keeps the persistent session's subscriptions and queues
        // what is published until the service is back.
        foreach (var s in _subscriptions) await (s is IDetachableSubscription d ? d.DetachAsync() : s.DisposeAsync()).ConfigureAwait(false);
        _subscriptions.Clear();
        foreach (var site in _cells.Values.Select(c => c.Cell.Site).Distinct())
        {
            try
            {
                var status = new StatusPayload { Client = _clientId, State = "offline", TimeUnixNs = UnixTime.NowNs() };
                await _bus.PublishAsync(new BusMessage(TwinTopics.Status(site, _clientId), TwinPayloads.Serialize(status), QualityOfService.AtLeastOnce, Retain: true), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                _log.LogWarning("could not announce offline status: {Error}", e.Message);
            }
        }
    }

    /// <summary>Same as <see cref="StopAsync"/> without a token.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async ValueTask OnTelemetryAsync(CellRuntime rt, BusMessage m, CancellationToken ct)
    {
        _metrics.Message();
        TelemetryMessage msg;
        try
        {
            msg = TwinPayloads.ParseTelemetry(m.Payload.Span, m.Topic);
        }
        catch (PayloadException e)
        {
            _metrics.Reject();
            _log.LogWarning("rejected telemetry: {Error}", e.Message);
            return;
        }

        await rt.Lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            long dup0 = rt.Sequence.Duplicates, gap0 = rt.Sequence.Gaps, missing0 = rt.Sequence.Missing;
            IngestBatch batch;
            try
            {
                batch = rt.Apply(msg);
            }
            catch (Exception)
            {
                // Not applied after all: go back to the durable state, so the message (redelivered, or handed to this
                // handler again) is applied anew rather than dropped as a duplicate.
                rt.Reset(_checkpoints.Get(rt.Cell.Site, rt.Cell.Config.CellId));
                throw;
            }
            _metrics.Sequence(rt.Sequence.Duplicates - dup0, rt.Sequence.Gaps - gap0);
            if (rt.Sequence.Gaps > gap0)
                _log.LogWarning("cell {Cell}: {Missing} sample(s) missing in the sequence up to seq {Seq}", rt.Cell.Config.CellId, rt.Sequence.Missing - missing0, rt.Sequence.LastSeq);
            if (batch.Samples.Count == 0) return;
            _metrics.Applied(batch.Samples.Count, batch.Samples[^1].Sample.TimeUnixNs);

            var c = rt.Cell;
            var publishState = _bus.PublishAsync(new BusMessage(TwinTopics.State(c.Site, c.Config.CellId), TwinPayloads.Serialize(rt.LastState!), QualityOfService.AtLeastOnce, Retain: true)
            { ContentType = "application/json" }, ct).AsTask();
            Task publishAlarm = Task.CompletedTask;
            if (batch.Transitions.Count > 0)
            {
                foreach (var t in batch.Transitions)
                    _log.LogInformation("cell {Cell}: {From} → {To} at c_Li = {CLi:0.0000}, {V:0.000} V, step {Step}", c.Config.CellId, t.From, t.To, t.CLi, t.VoltageV, t.Step);
                foreach (var t in batch.Transitions)
                    _alarms?.OnTransition(c.Site, c.Config.CellId, ZoneNames.Parse(t.To), t.TimeUnixNs, t.CLi, t.VoltageV, t.Step);
                publishAlarm = PublishAlarmAsync(rt, ct);
            }
            // Samples first, then the checkpoint that claims them: a checkpoint never runs ahead of storage.
            try
            {
                await StoreWithRetryAsync(batch, ct).ConfigureAwait(false);
                await _checkpoints.SaveAsync(rt.Checkpoint(), ct).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Shutting down, or storing/checkpointing failed, with the batch not durable: forget it (the message
                // stays unacknowledged: handed to this handler again, or redelivered to the next run, which resumes
                // from the last checkpoint). Never let the runtime run ahead of what is durable.
                rt.Reset(_checkpoints.Get(c.Site, c.Config.CellId));
                throw;
            }
            await publishState.ConfigureAwait(false);
            _metrics.State();
            await publishAlarm.ConfigureAwait(false);
            if (batch.Transitions.Count > 0) _metrics.Alarm();
            Notify(() => Applied?.Invoke(rt, batch));
        }
        finally
        {
            rt.Lock.Release();
        }
    }

    /// <summary>
    /// Stores a batch, waiting and retrying while the store refuses it (spool full, disk error): the cell's
    /// messages stay unacknowledged meanwhile, so the broker holds them (back-pressure, nothing dropped).
    /// </summary>
    private async Task StoreWithRetryAsync(IngestBatch batch, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await _store.StoreAsync(batch, ct).ConfigureAwait(false);
                return;
            }
            catch (IOException e)
            {
                _metrics.StoreError();
                _log.LogError("cell {Cell}: storing {Count} sample(s) failed, retrying in {Delay} ms: {Error}",
                    batch.Cell.Config.CellId, batch.Samples.Count, (int)delay.TotalMilliseconds, e.Message);
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private async ValueTask OnPatternAsync(CellRuntime rt, BusMessage m, CancellationToken ct)
    {
        PatternRecord p;
        try
        {
            p = TwinPayloads.ParsePattern(m.Payload.Span, m.Topic);
        }
        catch (PayloadException e)
        {
            _metrics.Reject();
            _log.LogWarning("rejected pattern record: {Error}", e.Message);
            return;
        }
        await rt.Lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (p.CLiMid is null) p = p with { CLiMid = CLiAt(rt, (p.StartUnixNs + p.EndUnixNs) / 2) };
            await _store.StorePatternAsync(rt.Cell, p, ct).ConfigureAwait(false);
            _metrics.Pattern();
            rt.RecordPattern(p);
            Notify(() => PatternStored?.Invoke(rt, p));
        }
        finally
        {
            rt.Lock.Release();
        }
    }

    /// <summary>Publishes a cell's alarm payload (retained), with its open alarm from the alarm book.</summary>
    /// <param name="rt">The cell.</param>
    /// <param name="ct">Cancels the publish.</param>
    /// <returns>A task that completes when the bus accepted the message.</returns>
    public Task PublishAlarmAsync(CellRuntime rt, CancellationToken ct)
    {
        var c = rt.Cell;
        return _bus.PublishAsync(new BusMessage(TwinTopics.Alarm(c.Site, c.Config.CellId), TwinPayloads.Serialize(AlarmOf(rt)), QualityOfService.AtLeastOnce, Retain: true)
        { ContentType = "application/json" }, ct).AsTask();
    }

    /// <summary>A cell's alarm payload now: its zone and recent transitions, with its open alarm from the alarm book.</summary>
    /// <param name="rt">The cell.</param>
    /// <returns>The payload (no alarm id when the service runs without an alarm book or nothing is open).</returns>
    public AlarmPayload AlarmOf(CellRuntime rt)
    {
        var open = _alarms?.OpenFor(rt.Cell.Site, rt.Cell.Config.CellId);
        return rt.Alarm(open?.Id, open?.AcknowledgedBy);
    }

    /// <summary>Changes a cell's limits and cut-off policy between two of its messages (see <see cref="CellRuntime.Reconfigure"/>).</summary>
    /// <param name="rt">The cell.</param>
    /// <param name="limits">New limits.</param>
    /// <param name="cutoff">New policy.</param>
    /// <param name="ct">Cancels waiting for the cell.</param>
    /// <returns>A task that completes when the new settings are in force.</returns>
    /// <exception cref="ArgumentException">The settings are invalid; nothing changes.</exception>
    public async Task ReconfigureAsync(CellRuntime rt, SafetyLimits limits, LithiumCutoffPolicy cutoff, CancellationToken ct)
    {
        await rt.Lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            rt.Reconfigure(limits, cutoff);
            await _checkpoints.SaveAsync(rt.Checkpoint(), ct).ConfigureAwait(false);
        }
        finally
        {
            rt.Lock.Release();
        }
        _log.LogInformation("cell {Cell}: limits caution {Caution}, critical {Critical}, deep {Deep}; cut-off {Enabled} at c_Li {CLiMin}, {VMax} V",
            rt.Cell.Config.CellId, limits.CautionCLi, limits.CriticalCLi, limits.DeepCLi, cutoff.Enabled ? "on" : "off", cutoff.CLiMin, cutoff.HardVoltageLimitV);
    }

    private void Notify(Action raise)
    {
        try
        {
            raise();
        }
        catch (Exception e)
        {
            _log.LogError(e, "a live-update handler failed");
        }
    }

    /// <summary>c_Li at a time: interpolated from the recent history, else the present value.</summary>
    private static double CLiAt(CellRuntime rt, long timeUnixNs)
    {
        var h = rt.History.Snapshot();
        for (int i = h.Length - 1; i > 0; i--)
        {
            if (h[i - 1].TimeUnixNs <= timeUnixNs && timeUnixNs <= h[i].TimeUnixNs)
            {
                double span = h[i].TimeUnixNs - h[i - 1].TimeUnixNs;
                double f = span <= 0 ? 1 : (timeUnixNs - h[i - 1].TimeUnixNs) / span;
                return h[i - 1].CLi + f * (h[i].CLi - h[i - 1].CLi);
            }
        }
        return rt.Twin.CLi;
    }

    private static string Key(string site, string cell) => site + "/" + cell;

}
