using Twin.Nexus.Model;

namespace Twin.Nexus.Recording;

/// <summary>
/// Everything the experiment file holds about one cell, collected as the experiment runs: the twin states in time
/// order, the event and alarm logs, the cycle table and the patterns. Twin states are held in memory only until a
/// write of the file holds them (<see cref="MarkWritten"/>); after that they are read back from the file at the next
/// write, so memory does not grow with the length of the experiment. Thread-safe; appends are O(1) and never do I/O,
/// so they may be called under the twin's cell lock.
/// </summary>
public sealed class NexusCellLog
{
    private readonly Lock _gate = new();
    private readonly List<NexusRow> _pending = [];
    private long _writtenRows;
    private string? _writtenEntry;
    private long? _firstTime, _lastTime;
    private readonly List<NexusNote> _events = [];
    private readonly List<NexusNote> _alarms = [];
    private readonly List<NexusPattern> _patterns = [];
    private readonly Dictionary<string, NexusPatternData> _patternData = new(StringComparer.Ordinal);
    private IReadOnlyList<NexusCycle> _cycles = [];
    private long _version;

    /// <summary>Creates the log of a cell.</summary>
    /// <param name="info">What the experiment file says about the cell.</param>
    public NexusCellLog(NexusCellInfo info) => Info = info;

    /// <summary>What the experiment file says about the cell.</summary>
    public NexusCellInfo Info { get; private set; }

    /// <summary>Increases with every change; a writer compares it to skip unchanged files.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Twin states kept (in the file and not yet written).</summary>
    public long RowCount
    {
        get { lock (_gate) return _writtenRows + _pending.Count; }
    }

    /// <summary>Twin states held in memory, not yet in the file.</summary>
    public int PendingRows
    {
        get { lock (_gate) return _pending.Count; }
    }

    /// <summary>Stored time of the last twin state kept, ns since the Unix epoch, or null when none is.</summary>
    public long? LastTimeUnixNs
    {
        get { lock (_gate) return _lastTime; }
    }

    /// <summary>Replaces the cell's description (e.g. new settings).</summary>
    /// <param name="info">The new description.</param>
    public void Describe(NexusCellInfo info)
    {
        lock (_gate) Info = info;
        Interlocked.Increment(ref _version);
    }

    /// <summary>Appends a twin state. A state not later than the last one kept is one the log has already (a sample
    /// replayed after a restart) and is ignored.</summary>
    /// <param name="row">The state.</param>
    /// <returns>True when appended.</returns>
    public bool Append(in NexusRow row)
    {
        lock (_gate)
        {
            if (row.TimeUnixNs <= _lastTime) return false;
            _pending.Add(row);
            _firstTime ??= row.TimeUnixNs;
            _lastTime = row.TimeUnixNs;
        }
        Interlocked.Increment(ref _version);
        return true;
    }

    /// <summary>Adds a line to the event log.</summary>
    /// <param name="note">The line.</param>
    public void AddEvent(NexusNote note) => Add(_events, note);

    /// <summary>Adds a line to the alarm log.</summary>
    /// <param name="note">The line.</param>
    public void AddAlarm(NexusNote note) => Add(_alarms, note);

    private void Add(List<NexusNote> list, NexusNote note)
    {
        lock (_gate) list.Add(note);
        Interlocked.Increment(ref _version);
    }

    /// <summary>Adds a pattern, or replaces the one with the same id (a record stored again with its estimator outcome).</summary>
    /// <param name="pattern">The pattern.</param>
    public void SetPattern(NexusPattern pattern)
    {
        lock (_gate)
        {
            int i = _patterns.FindIndex(p => p.Id == pattern.Id);
            if (i >= 0) _patterns[i] = pattern;
            else _patterns.Add(pattern);
        }
        Interlocked.Increment(ref _version);
    }

    /// <summary>Keeps the integrated data of a pattern (read from its file by the caller, outside any twin lock).</summary>
    /// <param name="id">Pattern id.</param>
    /// <param name="data">2θ and intensity.</param>
    public void SetPatternData(string id, NexusPatternData data)
    {
        lock (_gate) _patternData[id] = data;
        Interlocked.Increment(ref _version);
    }

    /// <summary>Ids of the patterns whose data is not kept yet, with their files.</summary>
    /// <returns>(id, file) pairs.</returns>
    public IReadOnlyList<(string Id, string File)> PatternsWithoutData()
    {
        lock (_gate) return [.. _patterns.Where(p => !_patternData.ContainsKey(p.Id)).Select(p => (p.Id, p.File))];
    }

    /// <summary>Replaces the cycle table.</summary>
    /// <param name="cycles">Every cycle, oldest first.</param>
    public void SetCycles(IReadOnlyList<NexusCycle> cycles)
    {
        lock (_gate) _cycles = cycles;
        Interlocked.Increment(ref _version);
    }

    /// <summary>Takes in the twin states a file already holds (when a file is reopened).</summary>
    /// <param name="rows">How many.</param>
    /// <param name="entry">The NXentry that holds them.</param>
    /// <param name="firstTimeUnixNs">Time of the first, ns since the Unix epoch.</param>
    /// <param name="lastTimeUnixNs">Time of the last.</param>
    /// <exception cref="InvalidOperationException">States were appended already.</exception>
    public void RestoreWritten(long rows, string entry, long firstTimeUnixNs, long lastTimeUnixNs)
    {
        lock (_gate)
        {
            if (_pending.Count > 0 || _writtenRows > 0) throw new InvalidOperationException($"cell {Info.CellId}: states are kept already; restore before appending");
            if (rows == 0) return;
            (_writtenRows, _writtenEntry, _firstTime, _lastTime) = (rows, entry, firstTimeUnixNs, lastTimeUnixNs);
        }
    }

    /// <summary>A write of the file holds the first <paramref name="newRows"/> of the states that were pending, under
    /// <paramref name="entry"/>: they leave memory.</summary>
    /// <param name="newRows">The snapshot's <see cref="NexusCellSnapshot.NewRows"/> count.</param>
    /// <param name="entry">The NXentry the file holds them in.</param>
    public void MarkWritten(int newRows, string entry)
    {
        lock (_gate)
        {
            _pending.RemoveRange(0, newRows);
            _writtenRows += newRows;
            _writtenEntry = _writtenRows > 0 ? entry : null;
        }
    }

    /// <summary>A consistent copy of everything kept, for writing (the states already in the file by reference).</summary>
    /// <returns>The copy.</returns>
    public NexusCellSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new NexusCellSnapshot(Info, _writtenRows, _writtenEntry, [.. _pending], _firstTime, _lastTime, [.. _events], [.. _alarms], [.. _patterns],
                new Dictionary<string, NexusPatternData>(_patternData), _cycles);
        }
    }
}

/// <summary>A consistent copy of a <see cref="NexusCellLog"/>.</summary>
/// <param name="Info">The cell.</param>
/// <param name="WrittenRows">Twin states the present file holds already (read back from it when it is written again).</param>
/// <param name="WrittenEntry">The NXentry of the present file that holds them, or null when none.</param>
/// <param name="NewRows">Twin states not yet in the file, in time order, after the written ones.</param>
/// <param name="FirstTimeUnixNs">Time of the first state, ns since the Unix epoch, or null.</param>
/// <param name="LastTimeUnixNs">Time of the last state, or null.</param>
/// <param name="Events">Event log, in arrival order.</param>
/// <param name="Alarms">Alarm log (zone transitions), in arrival order.</param>
/// <param name="Patterns">Patterns, in arrival order.</param>
/// <param name="PatternData">Integrated data of the patterns whose file could be read, by id.</param>
/// <param name="Cycles">Cycle table, oldest first.</param>
public sealed record NexusCellSnapshot(NexusCellInfo Info, long WrittenRows, string? WrittenEntry, NexusRow[] NewRows, long? FirstTimeUnixNs,
    long? LastTimeUnixNs, NexusNote[] Events, NexusNote[] Alarms, NexusPattern[] Patterns,
    IReadOnlyDictionary<string, NexusPatternData> PatternData, IReadOnlyList<NexusCycle> Cycles)
{
    /// <summary>Every twin state: written and new.</summary>
    public long RowCount => WrittenRows + NewRows.Length;
}
