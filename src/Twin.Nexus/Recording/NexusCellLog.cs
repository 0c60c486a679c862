using Twin.Nexus.Model;

namespace Twin.Nexus.Recording;

/// <summary>
/// Everything the experiment file holds about one cell, collected as the experiment runs: the twin states in time
/// order, the event and alarm logs, the cycle table and the patterns. Thread-safe; appends are O(1) and never do I/O,
/// so they may be called under the twin's cell lock.
/// </summary>
public sealed class NexusCellLog
{
    private readonly Lock _gate = new();
    private readonly List<NexusRow> _rows = [];
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

    /// <summary>Twin states kept.</summary>
    public int RowCount
    {
        get { lock (_gate) return _rows.Count; }
    }

    /// <summary>Stored time of the last twin state kept, ns since the Unix epoch, or null when none is.</summary>
    public long? LastTimeUnixNs
    {
        get { lock (_gate) return _rows.Count == 0 ? null : _rows[^1].TimeUnixNs; }
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
            if (_rows.Count > 0 && row.TimeUnixNs <= _rows[^1].TimeUnixNs) return false;
            _rows.Add(row);
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

    /// <summary>A consistent copy of everything kept, for writing.</summary>
    /// <returns>The copy.</returns>
    public NexusCellSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new NexusCellSnapshot(Info, [.. _rows], [.. _events], [.. _alarms], [.. _patterns], new Dictionary<string, NexusPatternData>(_patternData), _cycles);
        }
    }
}

/// <summary>A consistent copy of a <see cref="NexusCellLog"/>.</summary>
/// <param name="Info">The cell.</param>
/// <param name="Rows">Twin states in time order.</param>
/// <param name="Events">Event log, in arrival order.</param>
/// <param name="Alarms">Alarm log (zone transitions), in arrival order.</param>
/// <param name="Patterns">Patterns, in arrival order.</param>
/// <param name="PatternData">Integrated data of the patterns whose file could be read, by id.</param>
/// <param name="Cycles">Cycle table, oldest first.</param>
public sealed record NexusCellSnapshot(NexusCellInfo Info, NexusRow[] Rows, NexusNote[] Events, NexusNote[] Alarms, NexusPattern[] Patterns,
    IReadOnlyDictionary<string, NexusPatternData> PatternData, IReadOnlyList<NexusCycle> Cycles);
