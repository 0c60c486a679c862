using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Core.Samples;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Core.Cells;
using Twin.Core.Cutoff;
using Twin.Core.Estimation;
using Twin.Core.Safety;
using Twin.Service.Alarms;
using Twin.Service.Config;
using Twin.Service.Estimation;
using Twin.Service.Metrics;
using Twin.Service.State;

namespace Twin.Service.Ingest;

/// <summary>
/// Feeds every configured cell's twin from its telemetry topic and publishes its state (retained) and
/// alarm transitions (retained). Each cell has its own subscription, so cells are processed in parallel
/// and each cell's samples in order. A message counts as handled — and is acknowledged to the broker —
/// only after its samples and the cell's checkpoint are durable, so a crash loses nothing: the broker
/// redelivers what was not acknowledged and the checkpoint's sequence window drops what was already applied.
/// When the store refuses a batch (spool full, disk full) the cell waits and retries, leaving its messages
/// unacknowledged. A message that breaks the contract or a plausibility bound is rejected as a whole, a sample
/// outside the cell's sequence window alone; either is counted per cell and reason, logged (rate-limited) and kept
/// in the checkpoint before the message is acknowledged — it would be rejected again on redelivery.
/// <see cref="IngestAsync"/> is the same path for the HTTP ingest, failing fast instead of waiting.
/// </summary>
public sealed class TwinIngestService : IHostedService, IAsyncDisposable
{
    /// <summary>Retry-After of a store that refused a batch (spool full, disk full).</summary>
    public static readonly TimeSpan StoreRetryAfter = TimeSpan.FromSeconds(10);

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
    private readonly TimeProvider _time;
    private int _stopped;
    private readonly WriteRetry _writes;
    private bool _announced;

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
    /// <param name="time">The service's clock (status times, the sequence window's "now", log rate limits); default the system clock.</param>
    public TwinIngestService(IReadOnlyList<ExperimentCell> cells, IMessageBus bus, ITwinStore store, CheckpointStore checkpoints,
        ServiceMetrics metrics, ILogger<TwinIngestService> log, string clientId = "twin-service", Func<CancellationToken, Task>? connectBus = null,
        AlarmBook? alarms = null, TimeProvider? time = null)
    {
        _alarms = alarms;
        _connectBus = connectBus;
        _bus = bus;
        _store = store;
        _checkpoints = checkpoints;
        _metrics = metrics;
        _log = log;
        _clientId = clientId;
        _time = time ?? TimeProvider.System;
        _writes = new WriteRetry(_time, log, metrics.StoreError);
        foreach (var c in cells)
        {
            var rt = new CellRuntime(c, checkpoints.Get(c.Site, c.Config.CellId));
            _cells[Key(c.Site, c.Config.CellId)] = rt;
            if (rt.Resumed) log.LogInformation("cell {Site}/{Cell} resumed at c_Li = {CLi:0.0000} after seq {Seq}", c.Site, c.Config.CellId, rt.Twin.CLi, rt.Snapshot.LastSeq);
            if (rt.RestVoltage is { } rest) log.LogInformation("cell {Site}/{Cell}: {Rest}", c.Site, c.Config.CellId, rest.Describe());
            foreach (var change in rt.ResumeChanges)
                log.LogWarning("cell {Site}/{Cell}: the experiment file's {Change} differs from the checkpoint; applied as a new prior: {Detail}",
                    c.Site, c.Config.CellId, change.Parameter.Name(), Operations.CorrectionText.Describe(change));
        }
    }

    /// <summary>
    /// Raised after each telemetry batch of a cell is stored, checkpointed and its state published, with the cell's
    /// new snapshot, while the cell's lock is held. Handlers must be quick and must not block; an exception from one
    /// is logged and ignored.
    /// </summary>
    public event Action<CellSnapshot, IngestBatch>? Applied;

    /// <summary>Raised after a pattern record is stored (c_Li at mid-exposure filled in), with the cell's new snapshot, under the cell's lock.</summary>
    public event Action<CellSnapshot, PatternRecord>? PatternStored;

    /// <summary>The cells, keyed "site/cell".</summary>
    public IReadOnlyDictionary<string, CellRuntime> Cells => _cells;

    /// <summary>Finds a cell by id (any site) or by "site/cell".</summary>
    /// <param name="id">Cell id or "site/cell".</param>
    /// <returns>The runtime, or null.</returns>
    public CellRuntime? Find(string id) =>
        _cells.GetValueOrDefault(id) ?? _cells.Values.FirstOrDefault(c => c.Cell.Config.CellId == id);

    /// <summary>
    /// Start-up recovery after a crash: a cell's samples the store took after its last checkpoint (at most the batch
    /// that was being checkpointed when the process died) are read back from the store and applied to the twin without
    /// being stored again, then checkpointed; the broker's redelivery (or an HTTP client's retry) of them is then a
    /// duplicate, so every sample is stored once. Nothing is read when every cell's checkpoint comes from a normal stop.
    /// Call before the store's drainer starts.
    /// </summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The number of samples recovered.</returns>
    public async Task<long> RecoverAsync(CancellationToken cancellationToken)
    {
        var durable = _cells.Values.Select(rt => rt.Durable).ToList();
        bool clean = durable.All(d => d is { CleanStop: true });
        // From now on a crash may leave a batch behind a checkpoint again: the marks of the normal stop go first.
        // A changed c_li0/q_li_Ah applied on resume is saved now too, so that it is durable before any message.
        var unmark = _cells.Values.Where(rt => rt.Durable is { CleanStop: true } || rt.ResumeChanges.Count > 0)
            .Select(rt => _checkpoints.SaveAsync(rt.Checkpoint(_time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken)).ToList();
        await Task.WhenAll(unmark).ConfigureAwait(false);
        if (clean) return 0;
        // Records of a cell's missing batch were appended after its last checkpoint was taken; a minute of slack for the clock.
        long since = durable.Min(d => d is null || d.SavedUnixMs == 0 ? 0 : d.SavedUnixMs - 60_000);
        var found = new Dictionary<CellRuntime, List<IngestSample>>();
        await foreach (var (site, cell, sample) in _store.ReadTelemetryAsync(since, cancellationToken).ConfigureAwait(false))
        {
            if (!_cells.TryGetValue(Key(site, cell), out var rt) || sample.TimeUnixNs <= (rt.Durable?.LastTimeUnixNs ?? 0)) continue;
            if (!found.TryGetValue(rt, out var list)) found[rt] = list = [];
            list.Add(sample);
        }
        long recovered = 0;
        foreach (var (rt, samples) in found)
        {
            await rt.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var batch = rt.Apply(samples, null, NowNs());
                rt.RejectionsToLog.Clear();
                // The samples are in the store already; the patterns that waited for them are not.
                foreach (var p in batch.PatternUpdates) await _store.StorePatternAsync(rt.Cell, p, cancellationToken).ConfigureAwait(false);
                await SaveCheckpointAsync(rt, batch, failFast: false, cancellationToken).ConfigureAwait(false);
                recovered += batch.Samples.Count;
                _log.LogWarning("cell {Cell}: {Count} sample(s) up to seq {Seq} were stored before the crash but not in the cell's checkpoint; applied again from the store, not stored twice",
                    rt.Cell.Config.CellId, batch.Samples.Count, rt.LastSeq);
            }
            finally
            {
                rt.Lock.Release();
            }
        }
        return recovered;
    }

    /// <summary>Subscribes to every cell's telemetry and pattern topics and announces the service online.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when subscribed.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Register every subscription first, then connect: messages the broker kept for our persistent session
        // arrive right after CONNACK and must find their handlers.
        var subscribing = new List<Task<IAsyncDisposable>>();
        foreach (var rt in TelemetryFromBroker ? Enumerable.Empty<CellRuntime>() : _cells.Values)
        {
            var c = rt.Cell;
            subscribing.Add(_bus.SubscribeAsync(TwinTopics.Telemetry(c.Site, c.Config.CellId), QualityOfService.AtLeastOnce,
                (m, ct) => OnTelemetryAsync(rt, [m], ct), cancellationToken).AsTask());
            subscribing.Add(_bus.SubscribeAsync(TwinTopics.Pattern(c.Site, c.Config.CellId), QualityOfService.AtLeastOnce,
                (m, ct) => OnPatternAsync(rt, m, ct), cancellationToken).AsTask());
        }
        if (_connectBus is not null) await _connectBus(cancellationToken).ConfigureAwait(false);
        _subscriptions.AddRange(await Task.WhenAll(subscribing).ConfigureAwait(false));
        foreach (var site in _cells.Values.Select(c => c.Cell.Site).Distinct())
        {
            var status = new StatusPayload { Client = _clientId, State = "online", TimeUnixNs = NowNs() };
            await _bus.PublishAsync(new BusMessage(TwinTopics.Status(site, _clientId), TwinPayloads.Serialize(status), QualityOfService.AtLeastOnce, Retain: true), cancellationToken).ConfigureAwait(false);
        }
        // A cell whose samples start-up recovery applied again has a newer state than any broker kept: retained now,
        // so that new subscribers get it before the cell's next sample.
        foreach (var rt in _cells.Values)
            if (rt.LastState is { } state)
                await _bus.PublishAsync(new BusMessage(TwinTopics.State(rt.Cell.Site, rt.Cell.Config.CellId), TwinPayloads.Serialize(state), QualityOfService.AtLeastOnce, Retain: true),
                    cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _announced, true);
        _log.LogInformation("twin service watching {Count} cell(s)", _cells.Count);
    }

    /// <summary>
    /// True when the embedded broker hands telemetry and patterns over through <see cref="IngestPublishedAsync"/> before it
    /// acknowledges them: the service's MQTT client then subscribes to neither (set before <see cref="StartAsync"/>).
    /// </summary>
    public bool TelemetryFromBroker { get; init; }

    /// <summary>
    /// Handles a publication the embedded broker received, before the broker acknowledges it. Telemetry of the
    /// experiment's cells takes the HTTP path (<see cref="IngestAsync"/>): stored and checkpointed before this completes,
    /// and a store that cannot take it now fails at once (<see cref="StoreUnavailableException"/>: the broker then closes
    /// the publisher's connection without PUBACK and the publisher sends it again) instead of holding the broker's
    /// connection while retrying; a malformed or implausible message is recorded as rejected and completes, as a
    /// redelivery would be rejected again. Patterns go through the subscription's handler.
    /// </summary>
    /// <param name="topic">The publication's topic.</param>
    /// <param name="message">The publication.</param>
    /// <param name="cancellationToken">Cancels waiting for the cell.</param>
    /// <returns>True when it was telemetry or a pattern of a configured cell (now stored or rejected for good); false for any other topic.</returns>
    /// <exception cref="InvalidOperationException">The service is stopping (the publication must not be acknowledged).</exception>
    /// <exception cref="StoreUnavailableException">The store or the checkpoint could not take the samples now.</exception>
    public async Task<bool> IngestPublishedAsync(string topic, BusMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!TwinTopics.TryParse(topic, out var t) || t.Kind is not (TopicKind.Telemetry or TopicKind.Pattern)) return false;
        if (!_cells.TryGetValue(Key(t.Site, t.Cell), out var rt)) return false;
        if (Volatile.Read(ref _stopped) == 1) throw new InvalidOperationException("the twin service is stopping");
        if (t.Kind == TopicKind.Pattern)
        {
            await OnPatternAsync(rt, message, cancellationToken).ConfigureAwait(false);
            return true;
        }
        try
        {
            await IngestAsync(rt, message.Payload, cancellationToken).ConfigureAwait(false);
        }
        catch (PayloadException)
        {
            // recorded, counted and logged; acknowledged, since a redelivery would be rejected again
        }
        return true;
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
        await SaveCleanStopAsync(cancellationToken).ConfigureAwait(false);
        // Offline only after online: a service that never started (e.g. its broker could not listen) has nothing to
        // withdraw, and its bus may never have connected.
        foreach (var site in Volatile.Read(ref _announced) ? _cells.Values.Select(c => c.Cell.Site).Distinct() : [])
        {
            try
            {
                var status = new StatusPayload { Client = _clientId, State = "offline", TimeUnixNs = NowNs() };
                await _bus.PublishAsync(new BusMessage(TwinTopics.Status(site, _clientId), TwinPayloads.Serialize(status), QualityOfService.AtLeastOnce, Retain: true), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                _log.LogWarning("could not announce offline status: {Error}", e.Message);
            }
        }
    }

    /// <summary>Marks every idle cell's checkpoint as written by a normal stop, so the next start-up need not read the store back.</summary>
    private async Task SaveCleanStopAsync(CancellationToken ct)
    {
        var saves = new List<Task>();
        var held = new List<CellRuntime>();
        try
        {
            foreach (var rt in _cells.Values)
            {
                if (!await rt.Lock.WaitAsync(TimeSpan.Zero, ct).ConfigureAwait(false)) continue; // busy: left unmarked, recovery reads
                held.Add(rt);
                if (!rt.CheckpointPending) saves.Add(_checkpoints.SaveAsync(rt.Checkpoint(_time.GetUtcNow().ToUnixTimeMilliseconds(), cleanStop: true), ct));
            }
            await Task.WhenAll(saves).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            _log.LogWarning("could not mark the checkpoints of a normal stop (the next start reads the store back): {Error}", e.Message);
        }
        finally
        {
            foreach (var rt in held) rt.Lock.Release();
        }
    }

    /// <summary>Same as <see cref="StopAsync"/> without a token.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// Ingests one telemetry payload for a cell from the HTTP API or the embedded broker: the same validation, sequence window and storage as a
    /// bus message, but a store that refuses the batch fails the call at once instead of being retried. Completes only
    /// when every sample it reports stored is in the store and in the cell's checkpoint, both on disk.
    /// </summary>
    /// <param name="rt">The cell.</param>
    /// <param name="payload">The payload (UTF-8 JSON <see cref="TelemetryMessage"/>).</param>
    /// <param name="cancellationToken">Cancels waiting for the cell; once storing has begun it runs to its end.</param>
    /// <returns>How many samples were stored, were duplicates, were rejected and why.</returns>
    /// <exception cref="PayloadException">The payload is too large, malformed or implausible (the rejection is recorded first).</exception>
    /// <exception cref="StoreUnavailableException">The store or the checkpoint could not take the samples now; nothing new counts as stored.</exception>
    public Task<IngestOutcome> IngestAsync(CellRuntime rt, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        HandleAsync(rt, payload, TwinTopics.Telemetry(rt.Cell.Site, rt.Cell.Config.CellId), failFast: true, cancellationToken);

    /// <summary>Records a telemetry message for a cell refused for its size before it was read (HTTP 413).</summary>
    /// <param name="rt">The cell.</param>
    /// <param name="bytes">Its size as far as known, bytes.</param>
    /// <param name="cancellationToken">Cancels waiting for the cell.</param>
    /// <returns>The rejection's message (naming the limit).</returns>
    /// <exception cref="StoreUnavailableException">The rejection is counted but its checkpoint could not be saved.</exception>
    public async Task<string> RejectOversizedAsync(CellRuntime rt, long bytes, CancellationToken cancellationToken)
    {
        string detail = $"{TwinTopics.Telemetry(rt.Cell.Site, rt.Cell.Config.CellId)}: payload too large ({bytes:N0} bytes); at most {TelemetryBounds.MaxPayloadBytes:N0} bytes expected";
        _metrics.Message();
        await rt.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RejectMessageAsync(rt, RejectionReason.TooLarge, detail, failFast: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            rt.Lock.Release();
        }
        return detail;
    }

    private async ValueTask OnTelemetryAsync(CellRuntime rt, IReadOnlyList<BusMessage> messages, CancellationToken ct)
    {
        var requests = new List<IngestRequest>(messages.Count);
        foreach (var m in messages) requests.Add(Parse(rt, m.Payload, m.Topic, failFast: false, ct));
        await SubmitAsync(rt, requests, ct).ConfigureAwait(false);
        Exception? failed = null;
        foreach (var r in requests)
        {
            try
            {
                await r.Result.Task.ConfigureAwait(false);
            }
            catch (PayloadException)
            {
                // Recorded, counted and logged; acknowledged now, since a redelivery would be rejected again.
            }
            catch (Exception e)
            {
                // Not stored: the whole batch stays unacknowledged and is handed back (what was stored before the
                // failure comes back as duplicates and is not stored twice).
                failed ??= e;
            }
        }
        if (failed is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failed).Throw();
    }

    private async Task<IngestOutcome> HandleAsync(CellRuntime rt, ReadOnlyMemory<byte> payload, string topic, bool failFast, CancellationToken ct)
    {
        var request = Parse(rt, payload, topic, failFast, ct);
        await SubmitAsync(rt, [request], ct).ConfigureAwait(false);
        return await request.Result.Task.ConfigureAwait(false);
    }

    /// <summary>Validates a telemetry payload (before the cell's lock) into a request to apply, or one refused as a whole.</summary>
    private IngestRequest Parse(CellRuntime rt, ReadOnlyMemory<byte> payload, string topic, bool failFast, CancellationToken ct)
    {
        _metrics.Message();
        try
        {
            var (instrument, samples) = TelemetryValidation.Parse(payload.Span, topic, rt.Cell, NowNs());
            return new IngestRequest(instrument, samples, failFast, ct);
        }
        catch (PayloadException e)
        {
            return new IngestRequest(e, payload.Length > TelemetryBounds.MaxPayloadBytes ? RejectionReason.TooLarge : RejectionReason.Invalid, failFast, ct);
        }
    }

    /// <summary>
    /// Queues requests for their cell and handles, under the cell's lock, every group waiting until they are complete:
    /// whoever holds the lock handles what waits behind it, so messages queued behind a slow storage round trip are
    /// stored with the next group, not one round trip after the other. Returns when each request has its result.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting for the cell; the requests no one took are
    /// given up (nothing of them applied), those taken run to their end first.</exception>
    private async Task SubmitAsync(CellRuntime rt, IReadOnlyList<IngestRequest> requests, CancellationToken ct)
    {
        foreach (var r in requests) rt.Inbox.Enqueue(r);
        try
        {
            await rt.Lock.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            foreach (var r in requests)
            {
                if (r.TryGiveUp()) r.Result.TrySetCanceled(ct);
                else await r.Result.Task.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false); // taken: runs to its end
            }
            throw;
        }
        try
        {
            while (requests.Any(r => !r.Result.Task.IsCompleted))
            {
                var group = rt.Inbox.TakeGroup();
                if (group.Count == 0) break;
                // A group waits, retries and stops on its first caller's token (the bus's or one HTTP request's).
                await HandleGroupAsync(rt, group, group[0].CancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            rt.Lock.Release();
        }
    }

    /// <summary>
    /// Applies a group of one cell's messages in order, stores their samples, then saves the checkpoint that claims
    /// them, and completes each request with its outcome — or, when storing or the checkpoint fails, goes back to the
    /// last durable state and fails every request of the group (none is acknowledged; each comes back or is retried).
    /// Called with the cell's lock held.
    /// </summary>
    private async Task HandleGroupAsync(CellRuntime rt, List<IngestRequest> group, CancellationToken ct)
    {
        bool failFast = group[0].FailFast;
        _metrics.IngestGroup();
        var applied = new List<(IngestRequest Request, IngestBatch Batch)>(group.Count);
        try
        {
            foreach (var request in group)
            {
                if (request.Error is not null)
                {
                    RecordRejectedMessage(rt, request.Rejected!.Value, request.Error.Message);
                    continue;
                }
                var batch = rt.Apply(request.Samples, request.Instrument, NowNs());
                Report(rt, batch);
                applied.Add((request, batch));
            }
        }
        catch (Exception e)
        {
            rt.Rollback(); // not applied after all: the messages come back and are applied anew, not dropped as duplicates
            foreach (var r in group) r.Result.TrySetException(e);
            return;
        }

        var stored = applied.Where(a => a.Batch.Samples.Count > 0).ToList();
        var publishes = new List<(Task State, Task Alarm, IngestBatch Batch)>(stored.Count);
        foreach (var (_, batch) in stored) publishes.Add(Publish(rt, batch, ct));
        try
        {
            if (stored.Count > 0)
            {
                // Samples first, then the checkpoint that claims them: a checkpoint never runs ahead of storage.
                try
                {
                    await StoreGroupAsync(stored.Select(a => a.Batch).ToList(), failFast, ct).ConfigureAwait(false);
                }
                catch
                {
                    // Not stored: forget the group (a broker keeps the messages unacknowledged and redelivers them; the
                    // HTTP client is told to retry) and go on from the last durable state.
                    rt.Rollback();
                    throw;
                }
                var all = IngestBatch.Combine(rt.Cell, stored.Select(a => a.Batch).ToList());
                await SaveCheckpointAsync(rt, all, failFast, ct).ConfigureAwait(false);
                ReportEstimation(rt, all);
            }
            else if (rt.CheckpointPending)
            {
                // Rejections (or an earlier checkpoint that failed) are made durable before the messages complete.
                await SaveCheckpointAsync(rt, null, failFast, ct).ConfigureAwait(false);
            }
            else if (applied.Any(a => a.Batch.Duplicates > 0)) rt.PublishCounts();
        }
        catch (Exception e)
        {
            foreach (var r in group) r.Result.TrySetException(e);
            // The group failed: its state and alarm publications are not awaited; their failures are observed, not raised.
            foreach (var p in publishes)
            {
                _ = p.State.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                _ = p.Alarm.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
            return;
        }

        // The samples are durable now. A broker that refuses the state or alarm (its ACL does not let the service
        // write them) would refuse a redelivery's too: said loudly, not retried (the message is complete).
        foreach (var (state, alarm, batch) in publishes)
        {
            if (await RefusedByBrokerAsync(state, rt.Cell).ConfigureAwait(false) is null) _metrics.State();
            if (await RefusedByBrokerAsync(alarm, rt.Cell).ConfigureAwait(false) is null && batch.Transitions.Count > 0) _metrics.Alarm();
            var snapshot = rt.Snapshot;
            Notify(() => Applied?.Invoke(snapshot, batch));
        }
        foreach (var request in group)
        {
            if (request.Error is not null) request.Result.TrySetException(request.Error);
        }
        foreach (var (request, batch) in applied)
            request.Result.TrySetResult(new IngestOutcome(batch.Samples.Count, batch.Duplicates, batch.Rejections));
    }

    /// <summary>Starts publishing a batch's state (and its alarm, when it changed the zone); awaited once the batch is durable.</summary>
    private (Task State, Task Alarm, IngestBatch Batch) Publish(CellRuntime rt, IngestBatch batch, CancellationToken ct)
    {
        _metrics.Applied(batch.Samples.Count, batch.Samples[^1].Sample.TimeUnixNs, NowNs());
        var c = rt.Cell;
        var state = _bus.PublishAsync(new BusMessage(TwinTopics.State(c.Site, c.Config.CellId), TwinPayloads.Serialize(batch.State!), QualityOfService.AtLeastOnce, Retain: true)
        { ContentType = "application/json" }, ct).AsTask();
        Task alarm = Task.CompletedTask;
        if (batch.Transitions.Count > 0)
        {
            foreach (var t in batch.Transitions)
                _log.LogInformation("cell {Cell}: {From} → {To} at c_Li = {CLi:0.0000}, {V:0.000} V, step {Step}", c.Config.CellId, t.From.Name(), t.To.Name(), t.CLi, t.VoltageV, t.Step);
            _alarms?.OnTransitions(c.Site, c.Config.CellId, batch.Transitions.Select(t => new AlarmTransition(t.To, t.TimeUnixNs, t.CLi, t.VoltageV, t.Step)));
            var open = _alarms?.OpenFor(c.Site, c.Config.CellId);
            alarm = PublishAsync(TwinTopics.Alarm(c.Site, c.Config.CellId), rt.Alarm(open?.Id, open?.AcknowledgedBy), ct);
        }
        return (state, alarm, batch);
    }

    /// <summary>Stores a group's batches: as one write when they name the same instrument (all or none), else one
    /// write each, awaited together (the spool commits them in one group).</summary>
    private async Task StoreGroupAsync(List<IngestBatch> batches, bool failFast, CancellationToken ct)
    {
        if (batches.Count == 1 || batches.All(b => b.Instrument == batches[0].Instrument))
            await StoreAsync(batches.Count == 1 ? batches[0] : IngestBatch.Combine(batches[0].Cell, batches), failFast, ct).ConfigureAwait(false);
        else
            await Task.WhenAll(batches.Select(b => StoreAsync(b, failFast, ct))).ConfigureAwait(false);
    }

    /// <summary>Why the store would refuse a batch now, or null (see <see cref="ITwinStore.RefusalNow"/>).</summary>
    /// <returns>The refusal, or null when the store would accept.</returns>
    public StoreRefusal? StoreRefusalNow() => _store.RefusalNow();

    /// <summary>Awaits a publish of the cell's state or alarm; a refusal by the broker is logged as an error and returned.</summary>
    private async Task<MqttException?> RefusedByBrokerAsync(Task publish, ExperimentCell cell)
    {
        try
        {
            await publish.ConfigureAwait(false);
            return null;
        }
        catch (MqttException e)
        {
            _log.LogError("cell {Cell}: the broker refused the twin's state or alarm: {Error}; check the broker's ACL for the service's client", cell.Config.CellId, e.Message);
            return e;
        }
    }

    /// <summary>Records a message rejected as a whole: counted, logged (rate-limited) and made durable in the checkpoint.</summary>
    private async Task RejectMessageAsync(CellRuntime rt, RejectionReason reason, string detail, bool failFast, CancellationToken ct)
    {
        RecordRejectedMessage(rt, reason, detail);
        await SaveCheckpointAsync(rt, null, failFast, ct).ConfigureAwait(false);
    }

    /// <summary>Records a message rejected as a whole: counted, logged (rate-limited); durable with the next checkpoint.</summary>
    private void RecordRejectedMessage(CellRuntime rt, RejectionReason reason, string detail)
    {
        _metrics.Reject();
        _metrics.RejectedMessage(rt.Cell.Site, rt.Cell.Config.CellId, reason.Name());
        long log = rt.RecordRejectedMessage(reason, detail, NowNs());
        if (log > 0)
            _log.LogWarning("cell {Cell}: rejected telemetry message ({Reason}{Count}): {Error}", rt.Cell.Config.CellId, reason.Name(), Times(log), detail);
    }

    /// <summary>Logs and counts what a batch rejected, the source sessions it changed and the gaps it opened.</summary>
    private void Report(CellRuntime rt, IngestBatch batch)
    {
        string cell = rt.Cell.Config.CellId;
        if (batch.Duplicates > 0 || batch.GapsSeen.Gaps > 0) _metrics.Sequence(batch.Duplicates, batch.GapsSeen.Gaps);
        foreach (var (r, log) in rt.RejectionsToLog)
        {
            _metrics.RejectedSamples(rt.Cell.Site, cell, r.Reason.Name(), 1);
            if (log > 0) _log.LogWarning("cell {Cell}: rejected sample ({Reason}{Count}): {Detail}", cell, r.Reason.Name(), Times(log), r.Detail);
        }
        rt.RejectionsToLog.Clear();
        long now = NowNs();
        foreach (var change in batch.SessionChanges)
        {
            long log = rt.LogLimit.Pass("session", now);
            if (log > 0) _log.LogWarning("cell {Cell}: source session changed{Count}: {Detail}", cell, Times(log), change);
        }
        if (batch.GapsSeen.Gaps > 0 && rt.LogLimit.Pass("gap", now) is > 0 and var gaps)
            _log.LogWarning("cell {Cell}: {Missing} sample(s) missing in the sequence up to seq {Seq}{Count}", cell, batch.GapsSeen.Missing, batch.Samples[^1].Sample.Seq, Times(gaps));
    }

    /// <summary>Logs what a stored batch did to the estimation: c_Li leaving or re-entering [0, 1], rests, waiting patterns applied.</summary>
    private void ReportEstimation(CellRuntime rt, IngestBatch batch)
    {
        string cell = rt.Cell.Config.CellId;
        foreach (var e in batch.RangeEvents)
        {
            if (e.Entered)
                _log.LogWarning("cell {Cell}: c_Li = {CLi:0.0000} ± {Sigma:0.0000} lies outside [0, 1]: check c_li0, q_li_Ah and the current's sign, or correct c_Li", cell, e.CLi, e.Sigma);
            else
                _log.LogInformation("cell {Cell}: c_Li = {CLi:0.0000} ± {Sigma:0.0000} is back within [0, 1]", cell, e.CLi, e.Sigma);
        }
        foreach (var r in batch.Rests)
            _log.LogInformation("cell {Cell}: {Rest}", cell, r.Reason);
        foreach (var p in batch.PatternUpdates) LogPattern(rt, p);
    }

        private static string Times(long n) => n > 1 ? $", {n} times since the last report" : "";

    /// <summary>
    /// Stores a batch. From the bus it waits and retries while the store refuses it (spool full, disk error): the
    /// cell's messages stay unacknowledged meanwhile, so the broker holds them (back-pressure, nothing dropped).
    /// From HTTP it fails at once with <see cref="StoreUnavailableException"/>.
    /// </summary>
    private Task StoreAsync(IngestBatch batch, bool failFast, CancellationToken ct) =>
        // Waited for to the end, whoever goes away: a write that was given up on could still land in the spool, and
        // the same samples would then be stored again when the message comes back.
        _writes.RunAsync($"cell {batch.Cell.Config.CellId}: storing {batch.Samples.Count} sample(s)", "the store cannot take the samples now",
            () => _store.StoreAsync(batch, CancellationToken.None).AsTask(), failFast, ct);

    /// <summary>
    /// Saves the cell's checkpoint and publishes its snapshot. When the save fails the live state (already stored)
    /// is kept and marked pending, so the next message saves it; the bus path retries, the HTTP path fails.
    /// </summary>
    private Task SaveCheckpointAsync(CellRuntime rt, IngestBatch? batch, bool failFast, CancellationToken ct) =>
        _writes.RunAsync($"cell {rt.Cell.Config.CellId}: saving the checkpoint", "the cell's checkpoint cannot be saved now", async () =>
        {
            var record = rt.Checkpoint(_time.GetUtcNow().ToUnixTimeMilliseconds());
            // Waited for to the end: a checkpoint that may land must not be taken for one that did not.
            await _checkpoints.SaveAsync(record, CancellationToken.None).ConfigureAwait(false);
            rt.Commit(batch, record);
        }, failFast, ct);

    /// <summary>
    /// Handles a pattern record: its lattice (the record's a_A/c_A, else the fitted file at its uri; read and fitted
    /// before the cell's lock is taken) is inverted to c_Li and offered to the estimator under the lock; the record is
    /// stored with what happened, then the checkpoint (new estimator state, waiting records, recent ids) — only then
    /// is the message acknowledged. A redelivered record (its id among the recent ones) is neither applied nor stored again.
    /// </summary>
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
        var lattice = PatternLattice.Resolve(p, rt.Observations.Fitter);
        long mid = PatternObservations.Mid(p);
        await rt.Lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (rt.Observations.Seen(p.PatternId))
            {
                _log.LogInformation("cell {Cell}: pattern {Pattern} was handled before (redelivery); not applied again", rt.Cell.Config.CellId, p.PatternId);
                return;
            }
            // An earlier checkpoint that failed is saved first: a rollback below must not lose stored samples.
            if (rt.CheckpointPending) await SaveCheckpointAsync(rt, null, failFast: false, ct).ConfigureAwait(false);
            if (p.CLiMid is null) p = p with { CLiMid = CLiAt(rt, mid) };
            var record = rt.ObservePattern(p, lattice, out var dropped);
            try
            {
                await _store.StorePatternAsync(rt.Cell, record, ct).ConfigureAwait(false);
            }
            catch
            {
                rt.Rollback(); // the estimator forgets the measurement; the message comes back and is offered anew
                throw;
            }
            await SaveCheckpointAsync(rt, null, failFast: false, ct).ConfigureAwait(false);
            _metrics.Pattern();
            LogPattern(rt, record);
            if (dropped is not null)
                _log.LogWarning("cell {Cell}: pattern {Pattern} dropped: more than {Max} patterns wait for the samples of their mid-exposure",
                    rt.Cell.Config.CellId, dropped.PatternId, PatternObservations.MaxPending);
            rt.RecordPattern(record);
            var snapshot = rt.Snapshot;
            Notify(() => PatternStored?.Invoke(snapshot, record));
        }
        finally
        {
            rt.Lock.Release();
        }
    }

    private void LogPattern(CellRuntime rt, PatternRecord r)
    {
        if (r.FitStatus is "applied" or "awaiting_samples")
            _log.LogInformation("cell {Cell}: pattern {Pattern} {Status}: {Reason}", rt.Cell.Config.CellId, r.PatternId, r.FitStatus, r.FitReason);
        else
            _log.LogWarning("cell {Cell}: pattern {Pattern} gave no c_Li correction ({Status}): {Reason}", rt.Cell.Config.CellId, r.PatternId, r.FitStatus, r.FitReason);
    }

    /// <summary>Publishes a cell's alarm payload (retained) as of its snapshot, with its open alarm from the alarm book.</summary>
    /// <param name="rt">The cell.</param>
    /// <param name="ct">Cancels the publish.</param>
    /// <returns>A task that completes when the bus accepted the message.</returns>
    public Task PublishAlarmAsync(CellRuntime rt, CancellationToken ct) =>
        PublishAsync(TwinTopics.Alarm(rt.Cell.Site, rt.Cell.Config.CellId), AlarmOf(rt.Snapshot), ct);

    /// <summary>A cell's alarm payload as of a snapshot: its zone and recent transitions, with its open alarm from the alarm book.</summary>
    /// <param name="snapshot">The cell's snapshot.</param>
    /// <returns>The payload (no alarm id when the service runs without an alarm book or nothing is open).</returns>
    public AlarmPayload AlarmOf(CellSnapshot snapshot)
    {
        var open = _alarms?.OpenFor(snapshot.Site, snapshot.CellId);
        return snapshot.Alarm(open?.Id, open?.AcknowledgedBy);
    }

    private Task PublishAsync(string topic, AlarmPayload alarm, CancellationToken ct) =>
        _bus.PublishAsync(new BusMessage(topic, TwinPayloads.Serialize(alarm), QualityOfService.AtLeastOnce, Retain: true) { ContentType = "application/json" }, ct).AsTask();

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
            var record = rt.Checkpoint(_time.GetUtcNow().ToUnixTimeMilliseconds());
            await _checkpoints.SaveAsync(record, ct).ConfigureAwait(false);
            rt.Commit(null, record);
        }
        finally
        {
            rt.Lock.Release();
        }
        _log.LogInformation("cell {Cell}: limits caution {Caution}, critical {Critical}, deep {Deep}; cut-off {Enabled} at c_Li {CLiMin}, {VMax} V",
            rt.Cell.Config.CellId, limits.CautionCLi, limits.CriticalCLi, limits.DeepCLi, cutoff.Enabled ? "on" : "off", cutoff.CLiMin, cutoff.HardVoltageLimitV);
    }

    /// <summary>
    /// Changes a cell's twin between two of its messages (an operator's correction), saves the cell's checkpoint and
    /// publishes the new snapshot before it returns.
    /// </summary>
    /// <typeparam name="T">What the change returns.</typeparam>
    /// <param name="rt">The cell.</param>
    /// <param name="change">The change (see <see cref="CellRuntime.ChangeTwin"/>).</param>
    /// <param name="ct">Cancels waiting for the cell.</param>
    /// <returns>The change's result, once durable.</returns>
    /// <exception cref="IOException">The checkpoint could not be saved: the live twin is rolled back to the last durable one.</exception>
    public async Task<T> ChangeTwinAsync<T>(CellRuntime rt, Func<CellTwin, T> change, CancellationToken ct)
    {
        await rt.Lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var result = rt.ChangeTwin(change);
            var record = rt.Checkpoint(_time.GetUtcNow().ToUnixTimeMilliseconds());
            try
            {
                await _checkpoints.SaveAsync(record, ct).ConfigureAwait(false);
            }
            catch
            {
                rt.Rollback();
                throw;
            }
            rt.Commit(null, record);
            return result;
        }
        finally
        {
            rt.Lock.Release();
        }
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

    private long NowNs() => UnixTime.ToUnixNs(_time.GetUtcNow());

}
