using System.Text;
using System.Text.Json;

namespace Twin.Service.State;

/// <summary>
/// Durable per-cell twin state with group commit. <see cref="SaveAsync"/> completes only after the record
/// is on disk (written and fsynced); records that arrive while a flush is running are written together in
/// the next flush, so one fsync serves many cells. The log (<c>checkpoints.log</c>, one JSON record per
/// line) is compacted into <c>checkpoints.snapshot</c> when it grows past a limit. A torn last line after
/// a crash is ignored; of two records of one cell the higher generation wins.
/// </summary>
public sealed class CheckpointStore : IAsyncDisposable
{
    private const string LogName = "checkpoints.log";
    private const string SnapshotName = "checkpoints.snapshot";

    private readonly string _dir;
    private readonly long _compactBytes;
    private readonly Dictionary<string, CellStateRecord> _latest = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private Dictionary<string, (CellStateRecord Record, List<TaskCompletionSource> Waiters)> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly FileStream _log;
    private readonly Task _flusher;
    private long _generation;

    /// <summary>Opens (or creates) the store in a directory and loads what it holds.</summary>
    /// <param name="directory">Directory of the store; created when missing.</param>
    /// <param name="compactBytes">Compact the log into a snapshot past this size (default 64 MiB).</param>
    /// <exception cref="IOException">The directory or files cannot be used.</exception>
    public CheckpointStore(string directory, long compactBytes = 64L << 20)
    {
        _dir = directory;
        _compactBytes = compactBytes;
        Directory.CreateDirectory(directory);
        foreach (var name in new[] { SnapshotName, LogName }) Load(Path.Combine(directory, name));
        _generation = _latest.Values.Select(r => r.Generation).DefaultIfEmpty(0).Max();
        _log = new FileStream(Path.Combine(directory, LogName), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _flusher = Task.Run(FlushLoopAsync);
    }

    /// <summary>Lines of the files that could not be read (a torn last write after a crash).</summary>
    public int UnreadableLines { get; private set; }

    /// <summary>fsyncs done.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    private long _flushes;

    /// <summary>Records written.</summary>
    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    private long _recordsWritten;

    /// <summary>The latest record of a cell, or null.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <returns>The record.</returns>
    public CellStateRecord? Get(string site, string cell)
    {
        lock (_gate) return _latest.GetValueOrDefault(site + "/" + cell);
    }

    /// <summary>Saves a cell's state; completes when it is durable.</summary>
    /// <param name="record">The state (its generation is assigned here).</param>
    /// <param name="cancellationToken">Stops waiting (the record may still be written).</param>
    /// <returns>A task that completes after the fsync that covers the record.</returns>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    /// <exception cref="IOException">The flush failed; the record is not durable.</exception>
    public Task SaveAsync(CellStateRecord record, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var r = record with { Generation = ++_generation };
            _latest[r.Key] = r;
            if (_pending.TryGetValue(r.Key, out var p))
            {
                p.Waiters.Add(tcs);
                _pending[r.Key] = (r, p.Waiters);
            }
            else _pending[r.Key] = (r, [tcs]);
        }
        _signal.Release();
        return tcs.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushLoopAsync()
    {
        var buffer = new MemoryStream();
        while (true)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Final flush of anything still pending.
            }
            // Drain surplus signals first: a save that signals after this point finds its record either in
            // the batch taken below or in the next one, which its own signal wakes.
            while (_signal.CurrentCount > 0) _signal.Wait(0);
            Dictionary<string, (CellStateRecord Record, List<TaskCompletionSource> Waiters)> batch;
            lock (_gate)
            {
                batch = _pending;
                _pending = new(StringComparer.Ordinal);
            }
            if (batch.Count > 0)
            {
                try
                {
                    buffer.SetLength(0);
                    foreach (var (record, _) in batch.Values)
                    {
                        JsonSerializer.Serialize(buffer, record, StateJsonContext.Default.CellStateRecord);
                        buffer.WriteByte((byte)'\n');
                    }
                    _log.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                    _log.Flush(flushToDisk: true);
                    Interlocked.Increment(ref _flushes);
                    Interlocked.Add(ref _recordsWritten, batch.Count);
                    foreach (var (_, waiters) in batch.Values) foreach (var w in waiters) w.TrySetResult();
                    if (_log.Length > _compactBytes) Compact();
                }
                catch (Exception e)
                {
                    foreach (var (_, waiters) in batch.Values) foreach (var w in waiters) w.TrySetException(new IOException($"checkpoint flush to {_dir} failed: {e.Message}", e));
                }
            }
            if (_stop.IsCancellationRequested)
            {
                bool empty;
                lock (_gate) empty = _pending.Count == 0;
                if (empty) return;
            }
        }
    }

    private void Compact()
    {
        CellStateRecord[] all;
        lock (_gate) all = [.. _latest.Values];
        string tmp = Path.Combine(_dir, SnapshotName + ".tmp");
        using (var s = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            foreach (var r in all)
            {
                JsonSerializer.Serialize(s, r, StateJsonContext.Default.CellStateRecord);
                s.WriteByte((byte)'\n');
            }
            s.Flush(flushToDisk: true);
        }
        File.Move(tmp, Path.Combine(_dir, SnapshotName), overwrite: true);
        // Older log records carry lower generations than the snapshot's, so a crash right here loses nothing.
        _log.SetLength(0);
        _log.Flush(flushToDisk: true);
    }

    private void Load(string path)
    {
        if (!File.Exists(path)) return;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (line.Length == 0) continue;
            CellStateRecord? r;
            try
            {
                r = JsonSerializer.Deserialize(line, StateJsonContext.Default.CellStateRecord);
            }
            catch (JsonException)
            {
                UnreadableLines++;
                continue;
            }
            if (r is null) continue;
            if (!_latest.TryGetValue(r.Key, out var old) || old.Generation < r.Generation) _latest[r.Key] = r;
        }
    }

    /// <summary>Flushes what is pending and closes the files.</summary>
    /// <returns>A task that completes when the last flush is done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _flusher.ConfigureAwait(false);
        try
        {
            await _log.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Bytes of a flush that failed (e.g. disk full) are still buffered; their savers were told it failed,
            // and the file is closed all the same.
        }
        _signal.Dispose();
    }
}
