using System.Runtime.CompilerServices;
using Twin.Core.Samples;

namespace Twin.Drivers.Triggers;

/// <summary>
/// Waits for the integrated 1D patterns (<c>.xy</c>/<c>.dat</c>, read by <see cref="IntegratedPatternFile"/>) that a
/// detector pipeline drops into a folder: one per <see cref="AcquireAsync"/> call, or a stream of them for a
/// free-running detector (<see cref="WatchAsync"/>).
/// </summary>
/// <remarks>
/// <para>A file is delivered once it is complete: renamed into the folder (atomic), or its size and modification time
/// unchanged for <see cref="WatchedFolderOptions.StableFor"/>. Names starting with '.' and other extensions are
/// ignored, so writers should write <c>.name.xy.tmp</c> (or any other extension) and rename. Files are delivered
/// oldest first, each once.</para>
/// <para>Record times come from the header (<c>start_unix_ns</c>, <c>end_unix_ns</c>, <c>exposure_s</c>, see
/// <see cref="PatternHeaderKeys"/>) when present; otherwise end = the file's modification time and
/// start = end − exposure (the header's, else the requested one, else 0).</para>
/// </remarks>
public sealed class WatchedFolderTrigger : IDiffractometerTrigger
{
    private readonly WatchedFolderOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Candidate> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _renamedIn = new(StringComparer.Ordinal);
    private readonly Lock _renamedLock = new();
    private FileSystemWatcher? _watcher;
    private bool _opened;
    private bool _disposed;

    /// <summary>Creates the watcher; nothing happens until <see cref="OpenAsync"/>.</summary>
    /// <param name="folder">The folder the pipeline writes into (must exist when opened).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="timeProvider">Clock for stability checks; the system clock when null.</param>
    public WatchedFolderTrigger(string folder, WatchedFolderOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
        _options = options ?? new WatchedFolderOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The watched folder (absolute).</summary>
    public string Folder { get; }

    /// <inheritdoc />
    public string Name => $"folder {Folder}";

    /// <summary>The last pattern file delivered (data included), or null.</summary>
    public IntegratedPattern? LastPattern { get; private set; }

    /// <inheritdoc />
    /// <exception cref="TriggerException">The folder does not exist.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!Directory.Exists(Folder)) throw new TriggerException(Folder, null, "folder does not exist");
            _seen.Clear();
            _pending.Clear();
            if (!_options.IncludeExisting)
                foreach (var f in Directory.EnumerateFiles(Folder)) _seen.Add(f);
            _watcher?.Dispose();
            _watcher = new FileSystemWatcher(Folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            _watcher.Created += (_, _) => Wake();
            _watcher.Changed += (_, _) => Wake();
            _watcher.Renamed += (_, e) =>
            {
                if (!Wanted(e.FullPath)) return;
                lock (_renamedLock) _renamedIn.Add(e.FullPath);
                Wake();
            };
            _watcher.EnableRaisingEvents = true;
            _opened = true;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Waits for the next complete pattern file and returns its record under <paramref name="patternId"/>.</summary>
    /// <param name="patternId">Pattern id given to the record (the file's own <c>pattern_id</c> is not used).</param>
    /// <param name="exposureS">Expected exposure, s: used when the file gives none, and for the timeout (exposure + <see cref="WatchedFolderOptions.AcquireMargin"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The record; <see cref="AcquiredPattern.Uri"/> is the file's <c>file://</c> URI.</returns>
    /// <exception cref="TriggerException">No complete file in time (names folder and pattern id).</exception>
    /// <exception cref="PatternFileFormatException">The file is malformed (it is not offered again).</exception>
    public async Task<AcquiredPattern> AcquireAsync(string patternId, double exposureS, CancellationToken cancellationToken = default)
    {
        TriggerProtocol.ValidateRequest(patternId, exposureS);
        TimeSpan timeout = TimeSpan.FromSeconds(exposureS) + _options.AcquireMargin;
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (path, pattern) = await NextLockedAsync(cts.Token).ConfigureAwait(false);
            return ToRecord(path, pattern, patternId, exposureS);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TriggerException(Folder, patternId, $"no complete pattern file within {timeout.TotalSeconds:0.###} s");
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// Delivers every new complete pattern file as it appears, for free-running detectors. The record's pattern id is
    /// the file's <c>pattern_id</c> header, else its file name without extension.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>Records, oldest file first.</returns>
    /// <exception cref="PatternFileFormatException">A file is malformed (the stream ends; the file is not offered again when it is restarted).</exception>
    public async IAsyncEnumerable<AcquiredPattern> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            AcquiredPattern record;
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var (path, pattern) = await NextLockedAsync(cancellationToken).ConfigureAwait(false);
                record = ToRecord(path, pattern, pattern.Header.PatternId ?? Path.GetFileNameWithoutExtension(path), null);
            }
            finally { _gate.Release(); }
            yield return record;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        _watcher?.Dispose();
        _watcher = null;
        return ValueTask.CompletedTask;
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
        catch (SemaphoreFullException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task<(string Path, IntegratedPattern Pattern)> NextLockedAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_opened) throw new InvalidOperationException($"{Name}: call OpenAsync first");
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            string? ready = Scan();
            if (ready is not null)
            {
                _pending.Remove(ready);
                _seen.Add(ready);
                IntegratedPattern pattern;
                try
                {
                    pattern = IntegratedPatternFile.Read(ready);
                }
                catch (FileNotFoundException) { continue; }
                catch (DirectoryNotFoundException) { continue; }
                LastPattern = pattern;
                return (ready, pattern);
            }
            await _wake.WaitAsync(_options.PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Updates the candidates and returns the oldest complete one, or null.</summary>
    private string? Scan()
    {
        long now = _time.GetTimestamp();
        string? best = null;
        DateTime bestTime = DateTime.MaxValue;
        IEnumerable<string> files;
        try { files = Directory.EnumerateFiles(Folder).ToList(); }
        catch (DirectoryNotFoundException) { throw new TriggerException(Folder, null, "folder disappeared"); }
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (string f in files)
        {
            if (_seen.Contains(f) || !Wanted(f)) continue;
            present.Add(f);
            var info = new FileInfo(f);
            if (!info.Exists) continue;
            long size = info.Length;
            DateTime mtime = info.LastWriteTimeUtc;
            bool renamed;
            lock (_renamedLock) renamed = _renamedIn.Remove(f);
            if (!_pending.TryGetValue(f, out var c) || c.Size != size || c.MtimeUtc != mtime)
            {
                c = new Candidate(size, mtime, now, renamed || (c?.RenamedIn ?? false));
                _pending[f] = c;
            }
            else if (renamed) _pending[f] = c = c with { RenamedIn = true };
            bool complete = size > 0 && (c.RenamedIn || _time.GetElapsedTime(c.SinceTimestamp, now) >= _options.StableFor);
            if (complete && (mtime < bestTime || (mtime == bestTime && string.CompareOrdinal(f, best) < 0)))
            {
                best = f;
                bestTime = mtime;
            }
        }
        foreach (var gone in _pending.Keys.Where(k => !present.Contains(k)).ToList()) _pending.Remove(gone);
        return best;
    }

    private bool Wanted(string path)
    {
        string name = Path.GetFileName(path);
        if (name.StartsWith('.')) return false;
        foreach (var ext in _options.Extensions)
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private AcquiredPattern ToRecord(string path, IntegratedPattern p, string patternId, double? requestedExposureS)
    {
        var h = p.Header;
        double exposure = h.ExposureS
            ?? (h.StartUnixNs is { } s0 && h.EndUnixNs is { } e0 ? (e0 - s0) / 1e9 : requestedExposureS ?? 0);
        long exposureNs = (long)Math.Round(exposure * 1e9);
        long start, end;
        if (h.StartUnixNs is { } s && h.EndUnixNs is { } e) (start, end) = (s, e);
        else if (h.StartUnixNs is { } s1) (start, end) = (s1, s1 + exposureNs);
        else if (h.EndUnixNs is { } e1) (start, end) = (e1 - exposureNs, e1);
        else
        {
            end = UnixTime.ToUnixNs(new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero));
            start = end - exposureNs;
        }
        return new AcquiredPattern(
            patternId, start, end, exposure,
            h.WavelengthA ?? _options.WavelengthA, h.EnergyKeV,
            p.TwoThetaMinDeg, p.TwoThetaMaxDeg,
            h.Detector ?? _options.Detector,
            new Uri(path).AbsoluteUri);
    }

    private sealed record Candidate(long Size, DateTime MtimeUtc, long SinceTimestamp, bool RenamedIn);
}
