using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Core.Safety;
using Twin.Data.Readers.Diffraction;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Nexus.Model;
using Twin.Nexus.Recording;
using Twin.Service.Config;
using Twin.Service.Ingest;

namespace Twin.Service.Nexus;

/// <summary>
/// Keeps the experiment's NeXus file (<c>experiment.nxs</c>): every applied sample with the twin's answer, zone
/// transitions as alarms, the twin's own events (source sessions, rests, c_Li out of range), the drivers' events from
/// the bus, the cycle table and every pattern record with its integrated data read from the pattern file. The file is
/// written every <see cref="Hosting.ServeOptions.NexusFlushInterval"/> when something changed, and when the service stops; a
/// crash leaves the last complete file. An existing file is read back at the start, so a restarted service extends it.
/// A write costs time in proportion to the whole file, so the writer keeps to a <see cref="NexusWriteBudget"/>: it waits
/// longer when writes take long, and twin states beyond the budget's backlog are left out of the file as a noted gap.
/// </summary>
public sealed class NexusRecorder : IHostedService
{
    private readonly TwinIngestService _ingest;
    private readonly IMessageBus _bus;
    private readonly NexusExperiment _file;
    private readonly NexusWriteBudget _budget;
    // per cell with states left out now: the first and the last of them
    private readonly System.Collections.Concurrent.ConcurrentDictionary<NexusCellLog, (long First, long Last)> _leftOut = new();
    private long _pendingRows;
    private TimeSpan _lastWrite;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly List<Task<IAsyncDisposable>> _subscriptions = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _flusher = Task.CompletedTask;

    /// <summary>Opens the file (reading back an existing one; an unreadable one is moved aside and logged).</summary>
    /// <param name="path">The <c>.nxs</c> file.</param>
    /// <param name="budget">Time between writes and the backlog of twin states kept for the next.</param>
    /// <param name="ingest">The twin.</param>
    /// <param name="bus">The bus the drivers publish their events on.</param>
    /// <param name="time">The service's clock.</param>
    /// <param name="log">Logger.</param>
    /// <exception cref="IOException">An unreadable file could not be moved aside.</exception>
    public NexusRecorder(string path, NexusWriteBudget budget, TwinIngestService ingest, IMessageBus bus, TimeProvider time, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(budget);
        _ingest = ingest;
        _bus = bus;
        _budget = budget;
        _time = time;
        _log = log;
        _file = NexusExperiment.Open(path, "twin " + typeof(NexusRecorder).Assembly.GetName().Version, out string? aside);
        if (aside is not null) _log.LogWarning("NeXus: {Path} could not be read; moved aside to {Aside} and a new file started", path, aside);
    }

    /// <summary>The file being kept.</summary>
    public NexusExperiment File => _file;

    /// <summary>Follows the twin and the drivers' events and starts the periodic flush.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var rt in _ingest.Cells.Values)
        {
            var s = rt.Snapshot;
            var log = _file.Cell(Info(s.Cell));
            log.SetCycles([.. s.Cycles.Select(NexusCycle.From)]);
            NoteGap(log, s);
            var cell = s.Cell;
            // Not awaited: on MQTT the subscription completes with its SUBACK, once the lifecycle (started after this
            // service) has connected the bus; registered now, the handler is there for the session's first messages.
            _subscriptions.Add(_bus.SubscribeAsync(TwinTopics.Event(cell.Site, cell.Config.CellId), QualityOfService.AtLeastOnce, (m, _) =>
            {
                if (DriverEvent(m) is { } e) log.AddEvent(new NexusNote(e.TimeUnixNs, e.Kind, e.Message));
                return ValueTask.CompletedTask;
            }, _stop.Token).AsTask());
        }
        _ingest.Applied += OnApplied;
        _ingest.PatternStored += OnPattern;
        _flusher = FlushLoopAsync(_stop.Token);
        _log.LogInformation("NeXus: experiment file {Path}, written every {Interval} s", _file.Path, _budget.Interval.TotalSeconds);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The twin's checkpoint is ahead of the file: the service stopped without its last write (a crash), and the samples
    /// in between are in the store (spool, InfluxDB) but not in the file. Said in the file's event log and the service log.
    /// </summary>
    private void NoteGap(NexusCellLog log, CellSnapshot s)
    {
        long? last = log.LastTimeUnixNs;
        if (s.LastTimeUnixNs == 0 || last >= s.LastTimeUnixNs) return;
        string from = last is { } l ? Iso(l) : "the first sample";
        string to = Iso(s.LastTimeUnixNs);
        string text = $"the twin states after {from} up to {to} are not in this file (the service stopped before writing them); " +
            "their samples are in the service's store";
        log.AddEvent(new NexusNote(s.LastTimeUnixNs, "gap", text));
        _log.LogWarning("NeXus: cell {Cell}: {Text}", s.CellId, text);
    }

    /// <summary>A driver event as published, or null when the payload is not one (it is not the file's business to reject it).</summary>
    private static DriverEventPayload? DriverEvent(BusMessage m)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.DriverEventPayload);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static NexusCellInfo Info(ExperimentCell c) => new(c.Site, c.Config.CellId, c.Config.Material.Name, c.Config.QLiAh, c.Config.CLi0,
        c.Config.Limits.CautionCLi, c.Config.Limits.CriticalCLi, c.Config.Cutoff.CLiMin);

    /// <summary>Twin states waiting for the next write, all cells together.</summary>
    public long PendingRows => Interlocked.Read(ref _pendingRows);

    /// <summary>How long the last write took (zero before the first).</summary>
    public TimeSpan LastWriteDuration => _lastWrite;

    // Under the cell's lock: appends only, no I/O.
    private void OnApplied(CellSnapshot s, IngestBatch b)
    {
        var log = _file.Cell(Info(s.Cell));
        foreach (var x in b.Samples) AppendRow(log, NexusRow.From(x.StoreTimeUnixNs, x.Output, x.Sample.TemperatureC));
        foreach (var t in b.Transitions)
            log.AddAlarm(NexusNote.ZoneTransition(t.TimeUnixNs, t.From, t.To, t.CLi, t.VoltageV, t.Step));
        long last = b.Samples.Count > 0 ? b.Samples[^1].StoreTimeUnixNs : s.LastTimeUnixNs;
        foreach (string change in b.SessionChanges) log.AddEvent(new NexusNote(last, "session", change));
        foreach (var r in b.Rests) log.AddEvent(new NexusNote(r.TimeUnixNs, "rest", $"{r.Status}: {r.Reason}"));
        foreach (var r in b.RangeEvents)
            log.AddEvent(new NexusNote(r.TimeUnixNs, "c_li_range", string.Create(CultureInfo.InvariantCulture,
                $"c_Li {(r.Entered ? "left" : "came back into")} [0, 1]: {r.CLi:0.0000} ± {r.Sigma:0.0000}")));
        foreach (var p in b.PatternUpdates) log.SetPattern(Pattern(p));
        if (b.Samples.Any(x => x.Output.NewCycle) || b.Samples.Count > 0 && b.Samples[^1].Output.Zone != Zone.Safe || b.Transitions.Count > 0)
            log.SetCycles([.. s.Cycles.Select(NexusCycle.From)]);
    }

    /// <summary>Appends a twin state, or leaves it out while the backlog is full (noted once when a gap opens and once when it closes).</summary>
    private void AppendRow(NexusCellLog log, in NexusRow row)
    {
        if (Interlocked.Read(ref _pendingRows) >= _budget.MaxPendingRows)
        {
            long t = row.TimeUnixNs;
            if (_leftOut.TryGetValue(log, out var gap)) _leftOut[log] = (gap.First, t); // under the cell's lock: one writer per cell
            else if (_leftOut.TryAdd(log, (t, t)))
                _log.LogWarning("NeXus: cell {Cell}: {Rows:N0} twin states wait for the file's next write (at most {Max:N0}); the next are left out of {Path} until it is written (their samples are in the service's store)",
                    log.Info.CellId, PendingRows, _budget.MaxPendingRows, _file.Path);
            return;
        }
        if (_leftOut.TryRemove(log, out var left)) NoteLeftOut(log, left);
        if (log.Append(row)) Interlocked.Increment(ref _pendingRows);
    }

    /// <summary>Puts a closed gap of left-out states into the file's events and the log.</summary>
    private void NoteLeftOut(NexusCellLog log, (long First, long Last) left)
    {
        string text = $"the twin states from {Iso(left.First)} to {Iso(left.Last)} are not in this file: the file's writer was behind " +
            $"(at most {_budget.MaxPendingRows:N0} states wait for a write); their samples are in the service's store";
        log.AddEvent(new NexusNote(left.First, "gap", text));
        _log.LogWarning("NeXus: cell {Cell}: {Text}", log.Info.CellId, text);
    }

    private static string Iso(long unixNs) => DateTime.UnixEpoch.AddTicks(unixNs / 100).ToString("O", CultureInfo.InvariantCulture);

    private void OnPattern(CellSnapshot s, PatternRecord p) => _file.Cell(Info(s.Cell)).SetPattern(Pattern(p));

    private static NexusPattern Pattern(PatternRecord p) => new(p.PatternId, p.StartUnixNs, p.EndUnixNs, p.ExposureS,
        p.WavelengthA ?? (p.EnergyKeV is { } e ? Twin.Core.Lattice.XRay.HcKeVAngstrom / e : double.NaN), p.CLiMid ?? double.NaN, p.CLiLattice ?? double.NaN,
        p.AA ?? double.NaN, p.CA ?? double.NaN, p.FitStatus ?? "", p.Uri);

    private async Task FlushLoopAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var wait = _budget.NextWait(_lastWrite);
                if (wait > _budget.Interval)
                    _log.LogInformation("NeXus: the last write of {Path} took {Took:0.0} s; the next waits {Wait:0} s instead of {Interval:0} s",
                        _file.Path, _lastWrite.TotalSeconds, wait.TotalSeconds, _budget.Interval.TotalSeconds);
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                await Task.Run(FlushNow, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads the data of new patterns from their files, refreshes the cycle tables and writes the file when anything changed.</summary>
    /// <returns>True when the file was written.</returns>
    public bool FlushNow()
    {
        try
        {
            foreach (var rt in _ingest.Cells.Values)
            {
                var s = rt.Snapshot;
                var log = _file.Cell(Info(s.Cell));
                log.SetCycles([.. s.Cycles.Select(NexusCycle.From)]);
                foreach (var (id, uri) in log.PatternsWithoutData())
                {
                    if (PatternData(uri) is { } d) log.SetPatternData(id, d);
                }
            }
            long started = _time.GetTimestamp();
            bool written = _file.Flush();
            if (written) _lastWrite = _time.GetElapsedTime(started);
            // Recounted from the cells (a state appended while they are counted may be missed: the budget is a bound, not a ledger).
            Interlocked.Exchange(ref _pendingRows, _file.Cells.Sum(c => (long)c.PendingRows));
            return written;
        }
        catch (Exception e)
        {
            // Whatever failed (disk, permissions, the file removed under the service, the HDF5 library), the previous
            // file stays, the twin goes on and the next write tries again; never a silent end of the writing loop.
            _log.LogError("NeXus: {Path} could not be written ({Type}: {Error}); the previous file stays, the next write tries again",
                _file.Path, e.GetType().Name, e.Message);
            return false;
        }
    }

    /// <summary>The integrated pattern of a local file, or null (no file, a URI elsewhere, not readable: the record is kept without data).</summary>
    private static NexusPatternData? PatternData(string uri)
    {
        string path = uri.StartsWith("file://", StringComparison.Ordinal) ? new Uri(uri).LocalPath : uri;
        if (path.Length == 0 || path.Contains("://", StringComparison.Ordinal) || !System.IO.File.Exists(path)) return null;
        try
        {
            var p = IntegratedPatternReader.Read(path).Pattern;
            return new NexusPatternData(p.Axis, p.X.ToArray(), p.Intensity.ToArray());
        }
        catch (Exception e) when (e is DiffractionFileException or IOException)
        {
            return null;
        }
    }

    /// <summary>Stops following, then writes the file a last time.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _ingest.Applied -= OnApplied;
        _ingest.PatternStored -= OnPattern;
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var s in _subscriptions)
        {
            try
            {
                await (await s.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // never subscribed (the bus did not connect, the stop cancelled it) or already gone: nothing to undo
                _log.LogDebug("NeXus: event subscription not undone: {Error}", e.Message);
            }
        }
        await _flusher.ConfigureAwait(false);
        // gaps still open (states left out since the last write) are closed in the last write
        foreach (var log in _leftOut.Keys)
            if (_leftOut.TryRemove(log, out var left)) NoteLeftOut(log, left);
        FlushNow();
    }
}
