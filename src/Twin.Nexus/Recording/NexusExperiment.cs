using System.Collections.Concurrent;
using Twin.Nexus.Files;
using Twin.Nexus.Model;

namespace Twin.Nexus.Recording;

/// <summary>
/// The experiment file of a running experiment: one <see cref="NexusCellLog"/> per cell, written to
/// <see cref="Path"/> by <see cref="Flush"/> (whole and atomically, see <see cref="NexusFileWriter"/>). Opening an
/// existing file takes its contents in first, so a restart goes on from it. Thread-safe; one flush at a time.
/// </summary>
public sealed class NexusExperiment
{
    private readonly ConcurrentDictionary<string, NexusCellLog> _cells = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Lock _flush = new();
    private long _flushedVersion = -1;

    private NexusExperiment(string path, string creator)
    {
        Path = path;
        Creator = creator;
    }

    /// <summary>The <c>.nxs</c> file.</summary>
    public string Path { get; }

    /// <summary>Program and version written as the root's <c>creator</c>.</summary>
    public string Creator { get; }

    /// <summary>Flushes so far that wrote the file.</summary>
    public long Flushes { get; private set; }

    /// <summary>
    /// Opens the experiment file at <paramref name="path"/>: an existing file's cells are read back; a file that cannot
    /// be read is moved aside to <c>{path}.unreadable-{UTC time}</c> (never overwritten) and named in
    /// <paramref name="setAside"/>.
    /// </summary>
    /// <param name="path">The <c>.nxs</c> file (need not exist).</param>
    /// <param name="creator">Program and version.</param>
    /// <param name="setAside">The path an unreadable file was moved to, or null.</param>
    /// <returns>The experiment.</returns>
    /// <exception cref="IOException">An unreadable file could not be moved aside.</exception>
    public static NexusExperiment Open(string path, string creator, out string? setAside)
    {
        var x = new NexusExperiment(path, creator);
        setAside = null;
        if (!File.Exists(path)) return x;
        try
        {
            foreach (var c in NexusFileReader.Load(path)) x.Restore(c);
            x._flushedVersion = x.Version;
        }
        catch (InvalidDataException)
        {
            setAside = $"{path}.unreadable-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
            File.Move(path, setAside);
            x._cells.Clear();
            lock (x._order) x._order.Clear();
        }
        return x;
    }

    /// <summary>A new, empty experiment that writes to <paramref name="path"/> (an existing file there is replaced at the first flush).</summary>
    /// <param name="path">The <c>.nxs</c> file.</param>
    /// <param name="creator">Program and version.</param>
    /// <returns>The experiment.</returns>
    public static NexusExperiment Create(string path, string creator) => new(path, creator);

    private void Restore(NexusCellSnapshot s)
    {
        var log = Cell(s.Info);
        if (s.WrittenEntry is not null) log.RestoreWritten(s.WrittenRows, s.WrittenEntry, s.FirstTimeUnixNs!.Value, s.LastTimeUnixNs!.Value);
        foreach (var e in s.Events) log.AddEvent(e);
        foreach (var a in s.Alarms) log.AddAlarm(a);
        foreach (var p in s.Patterns) log.SetPattern(p);
        foreach (var (id, d) in s.PatternData) log.SetPatternData(id, d);
        log.SetCycles(s.Cycles);
    }

    /// <summary>The log of a cell, created at its first use; the description is updated to <paramref name="info"/>.</summary>
    /// <param name="info">The cell.</param>
    /// <returns>Its log.</returns>
    public NexusCellLog Cell(NexusCellInfo info)
    {
        string key = info.Site + "/" + info.CellId;
        if (_cells.TryGetValue(key, out var log))
        {
            if (log.Info != info) log.Describe(info);
            return log;
        }
        lock (_order)
        {
            if (_cells.TryGetValue(key, out log)) return log;
            log = new NexusCellLog(info);
            _cells[key] = log;
            _order.Add(key);
            return log;
        }
    }

    /// <summary>The cells' logs, in the order they were first seen.</summary>
    public IReadOnlyList<NexusCellLog> Cells
    {
        get { lock (_order) return [.. _order.Select(k => _cells[k])]; }
    }

    /// <summary>Sum of the cells' versions (and their count): changes whenever anything was added.</summary>
    private long Version => Cells.Sum(c => c.Version) + Cells.Count;

    /// <summary>Writes the file when anything changed since the last flush.</summary>
    /// <returns>True when the file was written.</returns>
    /// <exception cref="IOException">The file cannot be written (the previous file stays).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public bool Flush()
    {
        lock (_flush)
        {
            long version = Version;
            if (version == _flushedVersion) return false;
            var cells = Cells;
            var snapshots = cells.Select(c => c.Snapshot()).ToList();
            var entries = NexusFileWriter.Write(Path, snapshots, Creator);
            for (int i = 0; i < cells.Count; i++) cells[i].MarkWritten(snapshots[i].NewRows.Length, entries[i]);
            _flushedVersion = version;
            Flushes++;
            return true;
        }
    }
}
