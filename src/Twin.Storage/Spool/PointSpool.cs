using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using Twin.Storage.Influx;
using Twin.Storage.Internal;
using Twin.Storage.LineProtocol;

namespace Twin.Storage.Spool;

/// <summary>
/// The durable spool: an <see cref="IPointSink"/> whose <see cref="WriteAsync"/> completes only when the points are
/// appended to a local segment log and fsync'd ("accepted" means "on disk"), and a drainer that sends the log to
/// the database in order (one batch in flight), deleting a segment only after every record in it was confirmed.
/// The confirmed position is checkpointed (fsync'd) after each batch, so a restart resends at most the last
/// unconfirmed batch (InfluxDB overwrites points of identical series and timestamp, so duplicates are harmless).
/// A torn last record after a crash is detected by length/CRC and cut off on open. Disk use is bounded by
/// <see cref="SpoolOptions.MaxBytes"/>: when full, writes fail fast with <see cref="SpoolFullException"/> and a
/// <see cref="SpoolAlarmKind.SpoolFull"/> alarm is raised. Without a writer the spool is the embedded store:
/// points stay on disk and are read with <see cref="ReadAsync"/> or <see cref="SpoolReader"/>.
/// One process at a time may open a directory (a lock file guards it).
/// </summary>
public sealed class PointSpool : IPointSink, IAsyncDisposable
{
    private const string LockFileName = "spool.lock";
    private readonly SpoolOptions _options;
    private readonly ILineProtocolWriter? _writer;
    private readonly ILogger _logger;
    private readonly LineProtocolEncoder _encoder;
    private readonly SegmentSet _set;
    private readonly SpoolAppender _appender;
    private readonly AsyncSignal _appended = new();
    private readonly AsyncSignal _progress = new();
    private readonly AsyncSignal _dequeued = new();
    private long _queuedBytes;
    private readonly QuarantineLog _quarantine;
    private readonly FileStream _lock;
    private readonly SpoolMeter _meter;
    private readonly Dictionary<SpoolAlarmKind, SpoolAlarm> _activeAlarms = [];
    private readonly object _lifecycle = new();
    private SpoolDrainer? _drainer;
    private CancellationTokenSource? _drainerStop;
    private Task? _drainerTask;
    private int _disposed;

    private PointSpool(SpoolOptions options, ILineProtocolWriter? writer, ILogger logger, FileStream lockFile, SegmentSet set, List<string> notes)
    {
        _options = options;
        _writer = writer;
        _logger = logger;
        _lock = lockFile;
        _set = set;
        _encoder = new LineProtocolEncoder(options.LineProtocol);
        _quarantine = new QuarantineLog(options.QuarantinePath ?? Path.Combine(Directory, "quarantine.lp"));
        long segmentBytes = Math.Max(64 * 1024, Math.Min(options.SegmentBytes, options.MaxBytes / 4));
        _appender = new SpoolAppender(set, Directory, options.MaxBytes, segmentBytes, options.MinFreeDiskBytes, _appended, OnFullChanged,
            OnDiskFullChanged, OnAppendDone, logger);
        _meter = new SpoolMeter(this);
        if (writer is not null)
        {
            writer.StatusChanged += OnWriterStatusChanged;
        }
        RecoveryNotes = notes;
    }

    /// <summary>Full path of the spool directory.</summary>
    public string Directory => Path.GetFullPath(_options.Directory);

    /// <summary>The options the spool was opened with.</summary>
    public SpoolOptions Options => _options;

    /// <summary>
    /// What recovery found when the spool was opened (torn or damaged records cut off, damaged checkpoint or
    /// segment headers); empty after a clean stop. Also logged as warnings.
    /// </summary>
    public IReadOnlyList<string> RecoveryNotes { get; }

    /// <summary>Path of the quarantine file (created when the first refused line arrives).</summary>
    public string QuarantinePath => _quarantine.Path;

    /// <summary>True while writes fail with <see cref="SpoolFullException"/> (the disk bound, not the file system: see <see cref="CheckAdmission"/>).</summary>
    public bool IsFull
    {
        get
        {
            lock (_set.Lock)
            {
                return _set.IsFull;
            }
        }
    }

    /// <summary>
    /// Raised (on the thread that noticed) when an alarm is raised or cleared: spool full, writer configuration
    /// error or circuit open, lines quarantined, damaged data cut off. Handlers must be quick and not throw.
    /// </summary>
    public event EventHandler<SpoolAlarm>? AlarmChanged;

    /// <summary>The alarms currently raised (spool full, writer configuration error, writer unavailable).</summary>
    public IReadOnlyList<SpoolAlarm> ActiveAlarms
    {
        get
        {
            lock (_activeAlarms)
            {
                return [.. _activeAlarms.Values];
            }
        }
    }

    /// <summary>
    /// Opens (creating if needed) a spool directory and recovers it: segments already confirmed are deleted, a
    /// torn or damaged tail is cut off, unconfirmed records are counted. Call <see cref="StartAsync"/> to start
    /// draining to <paramref name="writer"/>.
    /// </summary>
    /// <param name="options">Directory, bounds, batching.</param>
    /// <param name="writer">Database writer the drainer sends to (not disposed by the spool); null for the embedded store.</param>
    /// <param name="logger">Logger; null for none.</param>
    /// <returns>The open spool.</returns>
    /// <exception cref="ArgumentException">Invalid options (empty directory, non-positive bounds or batch sizes).</exception>
    /// <exception cref="IOException">The directory is in use by another spool (lock held) or cannot be read/written.</exception>
    public static PointSpool Open(SpoolOptions options, ILineProtocolWriter? writer = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        logger ??= NullLogger.Instance;
        string directory = Path.GetFullPath(options.Directory);
        System.IO.Directory.CreateDirectory(directory);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"spool directory '{directory}' is in use by another spool (lock file {LockFileName} is held)", e);
        }
        try
        {
            var notes = new List<string>();
            var set = SpoolRecovery.Recover(directory, options.LineProtocol.Precision, logger, notes);
            return new PointSpool(options with { Directory = directory }, writer, logger, lockFile, set, notes);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends the points to the segment log and completes once they are fsync'd. All points of the call are
    /// accepted or none. Concurrent calls are grouped into one fsync.
    /// </summary>
    /// <param name="points">The points.</param>
    /// <param name="cancellationToken">Cancels waiting; the points may still be accepted.</param>
    /// <exception cref="ArgumentException">A point has an unsigned field while <see cref="LineProtocolOptions.AllowUnsigned"/> is false, or its
    /// line is longer than 16 MiB; nothing accepted.</exception>
    /// <exception cref="SpoolFullException">Accepting would exceed <see cref="SpoolOptions.MaxBytes"/>; nothing accepted, alarm raised.</exception>
    /// <exception cref="SpoolDiskFullException">The file system is full (or would keep less than <see cref="SpoolOptions.MinFreeDiskBytes"/>); nothing accepted, alarm raised.</exception>
    /// <exception cref="IOException">The disk write failed; nothing of this call is to be taken as accepted.</exception>
    /// <exception cref="ObjectDisposedException">The spool was disposed.</exception>
    /// <remarks>While more than <see cref="SpoolOptions.MaxQueuedBytes"/> wait for the disk, the call waits before queueing.</remarks>
    public ValueTask WriteAsync(IReadOnlyList<LinePoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (points.Count == 0)
        {
            return ValueTask.CompletedTask;
        }
        var data = new PooledBufferWriter(points.Count * 160);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        try
        {
            for (int i = 0; i < points.Count; i++)
            {
                var point = points[i] ?? throw new ArgumentException($"points[{i}] is null", nameof(points));
                int start = data.WrittenCount;
                data.GetSpan(SegmentFormat.RecordHeaderSize);
                data.Advance(SegmentFormat.RecordHeaderSize);
                _encoder.Encode(point, data);
                int line = data.WrittenCount - start - SegmentFormat.RecordHeaderSize;
                if (line > SegmentFormat.MaxPayload)
                {
                    string what = point.Measurement.Length > 100 ? point.Measurement[..100] + "…" : point.Measurement;
                    throw new ArgumentException($"points[{i}] ({what}) is {line:N0} bytes of line protocol; the spool stores lines of at most {SegmentFormat.MaxPayload:N0} bytes", nameof(points));
                }
                SegmentFormat.SealRecord(data.Buffer.AsSpan(start, data.WrittenCount - start), now);
            }
        }
        catch
        {
            data.Dispose();
            throw;
        }
        var request = new AppendRequest(data, points.Count, now);
        long queued = Interlocked.Read(ref _queuedBytes);
        if (queued > 0 && queued + request.Bytes > _options.MaxQueuedBytes)
        {
            return new ValueTask(EnqueueWhenRoomAsync(request, cancellationToken));
        }
        return new ValueTask(Enqueue(request, cancellationToken));
    }

    private Task Enqueue(AppendRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _queuedBytes, request.Bytes);
        if (!_appender.TryEnqueue(request))
        {
            Interlocked.Add(ref _queuedBytes, -request.Bytes);
            request.Data.Dispose();
            throw new ObjectDisposedException(nameof(PointSpool));
        }
        return cancellationToken.CanBeCanceled ? request.Completion.Task.WaitAsync(cancellationToken) : request.Completion.Task;
    }

    // Back-pressure: wait until the queue for the disk is below its budget (or empty), then queue.
    private async Task EnqueueWhenRoomAsync(AppendRequest request, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var dequeued = _dequeued.WaitAsync();
                long queued = Interlocked.Read(ref _queuedBytes);
                if (queued == 0 || queued + request.Bytes <= _options.MaxQueuedBytes)
                {
                    break;
                }
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                await dequeued.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            request.Data.Dispose();
            throw;
        }
        await Enqueue(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a write would be accepted now, and if not why (spool full, disk full, queue for the disk over its
    /// budget, managed heap nearly at its limit) with a suggested wait. Cheap: no I/O unless the disk is known to be
    /// full (then one free-space query). A write may still be refused if things change in between.
    /// </summary>
    /// <param name="bytes">Approximate encoded size of the intended write (0 when unknown).</param>
    /// <returns>The answer.</returns>
    public SpoolAdmission CheckAdmission(long bytes = 0)
    {
        bool full, diskFull;
        long used;
        lock (_set.Lock)
        {
            full = _set.IsFull;
            diskFull = _set.DiskFull;
            used = _set.DiskBytes;
        }
        if (full)
        {
            return new SpoolAdmission(SpoolRefusal.SpoolFull,
                $"spool '{Directory}' is full ({used:N0} of {_options.MaxBytes:N0} bytes); the database is not keeping up or unreachable",
                TimeSpan.FromSeconds(30));
        }
        if (diskFull)
        {
            // Known full: accept again once the reserve and 1 MiB more are free on top of the write.
            long free = _appender.FreeDiskBytes();
            if (free < 0 || free - bytes < _options.MinFreeDiskBytes + (1L << 20))
            {
                return new SpoolAdmission(SpoolRefusal.DiskFull,
                    $"the disk of spool '{Directory}' is full ({(free < 0 ? "free space unknown" : $"{free:N0} bytes free")})", TimeSpan.FromSeconds(30));
            }
        }
        long queued = Interlocked.Read(ref _queuedBytes);
        if (queued > 0 && queued + bytes > _options.MaxQueuedBytes)
        {
            return new SpoolAdmission(SpoolRefusal.Busy,
                $"{queued:N0} bytes wait for the disk of spool '{Directory}' (at most {_options.MaxQueuedBytes:N0})", TimeSpan.FromSeconds(1));
        }
        var gc = GC.GetGCMemoryInfo();
        if (gc.TotalAvailableMemoryBytes > 0 && gc.HeapSizeBytes > _options.MaxHeapLoad * gc.TotalAvailableMemoryBytes)
        {
            return new SpoolAdmission(SpoolRefusal.MemoryPressure,
                $"the managed heap holds {gc.HeapSizeBytes:N0} of {gc.TotalAvailableMemoryBytes:N0} bytes after the last collection", TimeSpan.FromSeconds(2));
        }
        return SpoolAdmission.Accept;
    }

    /// <summary>Starts the drainer (when a writer was given); returns at once. Calling it twice does nothing.</summary>
    /// <param name="cancellationToken">Unused; for hosted-service signatures.</param>
    /// <exception cref="ObjectDisposedException">The spool was disposed.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_writer is null)
        {
            return Task.CompletedTask;
        }
        lock (_lifecycle)
        {
            if (_drainerTask is not null)
            {
                return Task.CompletedTask;
            }
            _drainerStop = new CancellationTokenSource();
            _drainer = new SpoolDrainer(_set, _writer, _options, Directory, _quarantine, _appended, _progress, RaiseAlarm, OnReclaimed, _logger);
            var drainer = _drainer;
            var token = _drainerStop.Token;
            _drainerTask = Task.Run(() => drainer.RunAsync(token), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the drainer: first sends what is pending (partial batches at once) until everything is confirmed or
    /// <paramref name="cancellationToken"/> is cancelled, then stops. Unsent points stay on disk for the next start.
    /// </summary>
    /// <param name="cancellationToken">Ends the flush (e.g. the host's shutdown timeout).</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        SpoolDrainer? drainer;
        CancellationTokenSource? stop;
        Task? task;
        lock (_lifecycle)
        {
            drainer = _drainer;
            stop = _drainerStop;
            task = _drainerTask;
        }
        if (drainer is null || stop is null || task is null)
        {
            return;
        }
        drainer.FlushNow = true;
        _appended.Pulse();
        try
        {
            await WaitForTargetAsync(CommittedEnd(), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Out of time: what is not sent stays in the spool.
        }
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected on stop.
        }
        lock (_lifecycle)
        {
            _drainer = null;
            _drainerStop = null;
            _drainerTask = null;
        }
        drainer.Dispose();
        stop.Dispose();
    }

    /// <summary>Completes when every point accepted before the call has been confirmed by the database (or quarantined).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="InvalidOperationException">The spool has no writer (embedded store).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Task WaitForDrainAsync(CancellationToken cancellationToken = default)
    {
        if (_writer is null)
        {
            throw new InvalidOperationException("the spool has no database writer; nothing is ever drained");
        }
        return WaitForTargetAsync(CommittedEnd(), cancellationToken);
    }

    /// <summary>A snapshot of the counters and gauges.</summary>
    public SpoolMetrics GetMetrics()
    {
        var status = _writer?.Status ?? LineWriterStatus.Healthy;
        lock (_set.Lock)
        {
            long oldest = _set.OldestPendingUnixMs;
            var age = _set.PendingRecords > 0 && oldest > 0
                ? TimeSpan.FromMilliseconds(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - oldest))
                : TimeSpan.Zero;
            return new SpoolMetrics
            {
                PointsAccepted = _set.PointsAccepted,
                PointsWritten = _set.PointsWritten,
                QuarantinedLines = _set.QuarantinedLines,
                SpoolFullRejections = _set.SpoolFullRejections,
                BatchesWritten = _set.BatchesWritten,
                Retries = status.Retries,
                PendingRecords = _set.PendingRecords,
                PendingBytes = _set.PendingBytes,
                DiskBytes = _set.DiskBytes,
                Segments = _set.Segments.Count,
                OldestUnconfirmedAge = age,
                RecoveredBytesDiscarded = _set.RecoveredBytesDiscarded,
                Circuit = _writer is null ? CircuitState.Closed : status.Circuit,
                IsFull = _set.IsFull,
                IsDiskFull = _set.DiskFull,
                DiskFullRejections = _set.DiskFullRejections,
                QueuedBytes = Interlocked.Read(ref _queuedBytes),
                HasWriter = _writer is not null,
                LastWriterError = status.LastError,
            };
        }
    }

    /// <summary>
    /// Reads the committed records in order (by default only those the database has not confirmed; in the embedded
    /// store that is all of them). Safe while writing; records appended after the call started may or may not appear.
    /// </summary>
    /// <param name="includeConfirmed">Also read records already confirmed but not yet deleted.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public async IAsyncEnumerable<SpoolRecord> ReadAsync(bool includeConfirmed = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<(SegmentInfo Segment, long From, long Limit)> plan = [];
        lock (_set.Lock)
        {
            foreach (var s in _set.Segments)
            {
                if (!includeConfirmed && s.Id < _set.ConfirmedSegment)
                {
                    continue;
                }
                long from = !includeConfirmed && s.Id == _set.ConfirmedSegment ? _set.ConfirmedOffset : SegmentFormat.HeaderSize;
                plan.Add((s, from, s.Length));
            }
        }
        foreach (var (segment, from, limit) in plan)
        {
            await Task.Yield();
            List<SpoolRecord> chunk = [];
            SegmentReader reader;
            try
            {
                reader = new SegmentReader(segment.Path, from);
            }
            catch (FileNotFoundException)
            {
                continue; // Confirmed and deleted meanwhile.
            }
            using (reader)
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    chunk.Clear();
                    while (chunk.Count < 4096 && reader.Next(limit) == ReadStatus.Record)
                    {
                        chunk.Add(new SpoolRecord(segment.Id, reader.RecordOffset, DateTimeOffset.FromUnixTimeMilliseconds(reader.AppendedUnixMs),
                            segment.Precision, reader.Payload.ToArray()));
                    }
                    foreach (var record in chunk)
                    {
                        yield return record;
                    }
                    if (chunk.Count < 4096)
                    {
                        break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Stops the drainer at once (no flush; pending points stay on disk), appends the queued writes, closes the
    /// files and releases the directory lock.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        using (var none = new CancellationTokenSource())
        {
            await none.CancelAsync().ConfigureAwait(false);
            await StopAsync(none.Token).ConfigureAwait(false);
        }
        await _appender.CompleteAsync().ConfigureAwait(false);
        if (_writer is not null)
        {
            _writer.StatusChanged -= OnWriterStatusChanged;
        }
        _meter.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Test hook: abandons the spool like a killed process — no flush, no checkpoint, lock released.</summary>
    internal void SimulateCrash()
    {
        Interlocked.Exchange(ref _disposed, 1);
        lock (_lifecycle)
        {
            _drainerStop?.Cancel();
        }
        try
        {
            _drainerTask?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Whatever the drainer was doing, a crash would have cut it short.
        }
        _appender.Abandon();
        _meter.Dispose();
        _lock.Dispose();
    }

    private static void Validate(SpoolOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Directory))
        {
            throw new ArgumentException("SpoolOptions.Directory is required", nameof(o));
        }
        if (o.MaxBytes < 256 * 1024)
        {
            throw new ArgumentException($"SpoolOptions.MaxBytes must be at least 256 KiB (is {o.MaxBytes})", nameof(o));
        }
        if (o.SegmentBytes < 64 * 1024)
        {
            throw new ArgumentException($"SpoolOptions.SegmentBytes must be at least 64 KiB (is {o.SegmentBytes})", nameof(o));
        }
        if (o.BatchMaxLines < 1 || o.BatchMaxBytes < 1024)
        {
            throw new ArgumentException("SpoolOptions.BatchMaxLines must be ≥ 1 and BatchMaxBytes ≥ 1024", nameof(o));
        }
        if (o.FlushInterval < TimeSpan.Zero || o.ErrorPause < TimeSpan.Zero || o.MaxIsolationRequests < 0)
        {
            throw new ArgumentException("SpoolOptions.FlushInterval, ErrorPause and MaxIsolationRequests must not be negative", nameof(o));
        }
        _ = o.LineProtocol.Precision.NanosecondsPerUnit();
    }

    private (long Segment, long Offset) CommittedEnd()
    {
        lock (_set.Lock)
        {
            return (_set.Active.Id, _set.Active.Length);
        }
    }

    private async Task WaitForTargetAsync((long Segment, long Offset) target, CancellationToken cancellationToken)
    {
        while (true)
        {
            var progressed = _progress.WaitAsync();
            lock (_set.Lock)
            {
                if (SegmentSet.Compare(_set.ConfirmedSegment, _set.ConfirmedOffset, target.Segment, target.Offset) >= 0)
                {
                    return;
                }
            }
            try
            {
                await progressed.WaitAsync(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Look again: progress may have been made between the check and the wait.
            }
        }
    }

    private void OnFullChanged(bool full)
    {
        if (full)
        {
            long used;
            lock (_set.Lock)
            {
                used = _set.DiskBytes;
            }
            string message = $"spool '{Directory}' is full ({used:N0} of {_options.MaxBytes:N0} bytes); new points are refused until the database takes the backlog";
            _logger.LogError("{Message}", message);
            RaiseAlarm(new SpoolAlarm(SpoolAlarmKind.SpoolFull, true, message, DateTimeOffset.UtcNow));
        }
        else
        {
            RaiseAlarm(new SpoolAlarm(SpoolAlarmKind.SpoolFull, false, $"spool '{Directory}' has room again", DateTimeOffset.UtcNow));
        }
    }

    private void OnAppendDone(long bytes)
    {
        Interlocked.Add(ref _queuedBytes, -bytes);
        _dequeued.Pulse();
    }

    private void OnDiskFullChanged(bool full, string message)
    {
        if (full)
        {
            _logger.LogError("Spool {Directory}: {Message}; new points are refused until there is room", Directory, message);
        }
        else
        {
            _logger.LogWarning("Spool {Directory}: {Message}", Directory, message);
        }
        RaiseAlarm(new SpoolAlarm(SpoolAlarmKind.DiskFull, full, message, DateTimeOffset.UtcNow));
    }

    private void OnReclaimed()
    {
        bool cleared;
        lock (_set.Lock)
        {
            cleared = _set.TryClearFull(_options.MaxBytes);
        }
        if (cleared)
        {
            OnFullChanged(false);
        }
    }

    private void OnWriterStatusChanged(object? sender, LineWriterStatus status)
    {
        var now = DateTimeOffset.UtcNow;
        bool config = IsActive(SpoolAlarmKind.WriterConfiguration);
        if (status.ConfigurationError != config)
        {
            RaiseAlarm(new SpoolAlarm(SpoolAlarmKind.WriterConfiguration, status.ConfigurationError,
                status.ConfigurationError ? status.LastError ?? "database configuration error" : "database accepts writes again", now));
        }
        bool open = status.Circuit is CircuitState.Open or CircuitState.Isolated;
        if (open != IsActive(SpoolAlarmKind.WriterUnavailable) && status.Circuit != CircuitState.HalfOpen)
        {
            RaiseAlarm(new SpoolAlarm(SpoolAlarmKind.WriterUnavailable, open,
                open ? $"database unavailable, points kept in the spool: {status.LastError}" : "database available again", now));
        }
    }

    private bool IsActive(SpoolAlarmKind kind)
    {
        lock (_activeAlarms)
        {
            return _activeAlarms.ContainsKey(kind);
        }
    }

    private void RaiseAlarm(SpoolAlarm alarm)
    {
        if (alarm.Kind is SpoolAlarmKind.SpoolFull or SpoolAlarmKind.DiskFull or SpoolAlarmKind.WriterConfiguration or SpoolAlarmKind.WriterUnavailable)
        {
            lock (_activeAlarms)
            {
                if (alarm.Active)
                {
                    _activeAlarms[alarm.Kind] = alarm;
                }
                else
                {
                    _activeAlarms.Remove(alarm.Kind);
                }
            }
        }
        try
        {
            AlarmChanged?.Invoke(this, alarm);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "An AlarmChanged handler failed");
        }
    }
}
