using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json;

namespace Twin.Service.State;

/// <summary>
/// Durable per-cell twin state with group commit. <see cref="SaveAsync"/> completes only after the record
/// is on disk (written and fsynced); records that arrive while a flush is running are written together in
/// the next flush, so one fsync serves many cells. The log (<c>checkpoints.log</c>, one JSON record per
/// line) is compacted into <c>checkpoints.snapshot</c> when it grows past a limit. A record damaged on disk is set
/// aside in <c>checkpoints.corrupt</c> and reported (<see cref="Damage"/>); the torn last line a crash leaves in the
/// log while a checkpoint is being written is set aside too and told apart (<see cref="TornWrites"/>): that checkpoint
/// was never on disk, so nothing it covered was acknowledged. Either way the cell resumes from its newest intact record
/// (compaction keeps two generations per cell, so there is one to fall back to). Of two records of one cell the higher
/// generation wins.
/// </summary>
public sealed partial class CheckpointStore : IAsyncDisposable
{
    private const string LogName = "checkpoints.log";
    private const string SnapshotName = "checkpoints.snapshot";
    private const string CorruptName = "checkpoints.corrupt";

    private readonly string _dir;
    private readonly long _compactBytes;
    private readonly Dictionary<string, CellStateRecord> _latest = new(StringComparer.Ordinal);
    // The generation before the latest, per cell: compaction keeps it, so a damaged newest record has one to fall back to.
    private readonly Dictionary<string, CellStateRecord> _previous = new(StringComparer.Ordinal);
    private readonly List<(string File, int Line, string? Key, long? Generation, string Problem, bool Torn)> _damaged = [];
    private readonly List<string> _damage = [];
    private readonly List<string> _torn = [];
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
        DescribeDamage();
        _log = new FileStream(Path.Combine(directory, LogName), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _flusher = Task.Run(FlushLoopAsync);
    }

    /// <summary>Lines of the files that could not be read (damaged, or a torn last write after a crash); set aside in <c>checkpoints.corrupt</c>.</summary>
    public int UnreadableLines { get; private set; }

    /// <summary>
    /// What was found damaged at open, one sentence per damaged record: the file and line, the cell, and what the cell
    /// resumed from instead (the newest intact generation, or its configured start when none is left). Empty when intact.
    /// </summary>
    public IReadOnlyList<string> Damage => _damage;

    /// <summary>
    /// Checkpoints a crash interrupted while they were written (the log's last line without its newline), one sentence
    /// each: set aside in <c>checkpoints.corrupt</c>, the cell resuming from the generation before. Not damage: a
    /// checkpoint is written after its samples are stored and before they are acknowledged, so its samples are applied
    /// again from the spool at start (<c>TwinIngestService.RecoverAsync</c>) or sent again by their sender.
    /// </summary>
    public IReadOnlyList<string> TornWrites => _torn;

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
            if (_latest.TryGetValue(r.Key, out var before)) _previous[r.Key] = before;
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
        lock (_gate) all = [.. _previous.Values, .. _latest.Values];
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
        string text = File.ReadAllText(path, Encoding.UTF8);
        var lines = text.Split('\n');
        var kept = new StringBuilder();
        var aside = new StringBuilder();
        // Only the log is appended to; the snapshot is written aside and renamed, so it cannot be torn.
        bool appendLog = Path.GetFileName(path) == LogName;
        // A last record complete but without its newline (a crash between the two) is kept, and the file rewritten
        // with the newline, or the next record appended would share its line.
        bool rewrite = text.Length > 0 && text[^1] != '\n';
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0) continue;
            CellStateRecord? r = null;
            string problem;
            bool torn = false;
            try
            {
                r = JsonSerializer.Deserialize(line, StateJsonContext.Default.CellStateRecord);
                problem = r is null ? "an empty record" : "";
            }
            catch (JsonException e)
            {
                torn = i == lines.Length - 1 && appendLog;
                problem = i == lines.Length - 1 ? "an unfinished last write (no newline)" : $"not a valid checkpoint record: {e.Message}";
            }
            if (r is not null)
            {
                kept.Append(line).Append('\n');
                Remember(r);
                continue;
            }
            UnreadableLines++;
            var who = CellOf().Match(line);
            var gen = GenerationOf().Match(line);
            _damaged.Add((Path.GetFileName(path), i + 1, who.Success ? who.Groups[1].Value + "/" + who.Groups[2].Value : null,
                gen.Success && long.TryParse(gen.Groups[1].Value, CultureInfo.InvariantCulture, out long g) ? g : null, problem, torn));
            aside.Append(CultureInfo.InvariantCulture, $"# {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {Path.GetFileName(path)} line {i + 1}: {problem}\n").Append(line).Append('\n');
        }
        if (aside.Length == 0 && !rewrite) return;
        // Never dropped: the damaged lines are kept aside, and the file is rewritten without them (a torn last line
        // would otherwise swallow the next record appended to it).
        if (aside.Length > 0) File.AppendAllText(Path.Combine(_dir, CorruptName), aside.ToString(), Encoding.UTF8);
        string temp = path + ".tmp";
        using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(Encoding.UTF8.GetBytes(kept.ToString()));
            fs.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private void Remember(CellStateRecord r)
    {
        if (!_latest.TryGetValue(r.Key, out var newest) || newest.Generation < r.Generation)
        {
            if (newest is not null) _previous[r.Key] = newest;
            _latest[r.Key] = r;
        }
        else if (newest.Generation > r.Generation && (!_previous.TryGetValue(r.Key, out var prev) || prev.Generation < r.Generation))
        {
            _previous[r.Key] = r;
        }
    }

    /// <summary>Says, for each damaged record, what its cell lost and what it resumes from.</summary>
    private void DescribeDamage()
    {
        foreach (var (file, line, key, generation, problem, torn) in _damaged)
        {
            string where = $"{Path.Combine(_dir, file)} line {line} ({problem}; set aside in {CorruptName})";
            if (torn)
            {
                var from = key is null ? null : _latest.GetValueOrDefault(key);
                string resumes = key is null ? "its cell resumes from its newest intact checkpoint"
                    : from is null ? "the cell starts from its configured c_Li0"
                    : string.Create(CultureInfo.InvariantCulture, $"the cell resumes from generation {from.Generation} (after seq {from.LastSeq?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
                _torn.Add($"{where}: a checkpoint{(key is null ? "" : " of cell " + key)} was being written when the service stopped; {resumes}" +
                    " and takes the samples after it again from the spool, or from their sender, which was not told they were stored");
                continue;
            }
            if (key is null)
            {
                _damage.Add($"{where}: a checkpoint of an unknown cell is damaged; a cell whose newest state it was resumes from an older one");
                continue;
            }
            var intact = _latest.GetValueOrDefault(key);
            if (intact is not null && generation is long g && g < intact.Generation)
            {
                _damage.Add($"{where}: an older checkpoint of cell {key} (generation {g}) is damaged; its newest (generation {intact.Generation}) is intact, nothing is lost");
                continue;
            }
            _damage.Add(intact is null
                ? $"{where}: the checkpoint of cell {key} is damaged and no intact one is left: the cell starts again from its configured c_Li0, " +
                  "which is wrong by the charge passed since the experiment began — correct it (settings) or replay the cell's telemetry"
                : string.Create(CultureInfo.InvariantCulture,
                    $"{where}: the newest checkpoint of cell {key} is damaged; it resumes from the newest intact one (generation {intact.Generation}, " +
                    $"after seq {intact.LastSeq?.ToString(CultureInfo.InvariantCulture) ?? "none"}, c_Li {intact.Checkpoint.LastCLi:0.0000}); samples after it that the spool still holds are applied again at start (logged); any it no longer holds are not in its c_Li"));
        }
    }

    [GeneratedRegex("\"site\"\\s*:\\s*\"([^\"]*)\"\\s*,\\s*\"cell\"\\s*:\\s*\"([^\"]*)\"")]
    private static partial Regex CellOf();

    [GeneratedRegex("\"generation\"\\s*:\\s*(\\d+)")]
    private static partial Regex GenerationOf();

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
