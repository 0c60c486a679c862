using Twin.Core.Safety;
using Twin.Service.State;

namespace Twin.Service.Alarms;

/// <summary>
/// Every cell's lithium-window alarms: raised, escalated and cleared from the twin's zone transitions, and
/// acknowledged by operators. Each change is appended to <c>alarms.jsonl</c> and fsynced before the call
/// returns, so an alarm and its acknowledgement survive a restart. Thread-safe.
/// <para>One alarm per episode: while a cell's latest alarm is still open (active, or cleared but not yet
/// acknowledged), a new crossing into the critical zones reopens that alarm and is counted on it
/// (<see cref="AlarmRecord.Crossings"/>) instead of raising another. A cell therefore has at most one alarm
/// waiting for an operator, however noisy its signal; a new alarm starts only after the last one was cleared
/// and acknowledged.</para>
/// </summary>
public sealed class AlarmBook : IDisposable
{
    private readonly List<string> _damage = [];

    /// <summary>Lines of the file found damaged at open and set aside in its <c>.corrupt</c> file (empty when intact).</summary>
    public IReadOnlyList<string> Damage => _damage;

    /// <summary>The file name inside the data directory.</summary>
    public const string FileName = "alarms.jsonl";

    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, AlarmRecord> _byId = [];
    private readonly Dictionary<string, long> _activeByCell = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _latestByCell = new(StringComparer.Ordinal);
    private readonly JsonLinesFile<AlarmRecord> _file;
    private long _nextId = 1;

    /// <summary>Opens the book in a directory, replaying the alarms already recorded there.</summary>
    /// <param name="directory">Data directory (created when missing).</param>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public AlarmBook(string directory)
    {
        string path = Path.Combine(directory, FileName);
        foreach (var r in JsonLinesFile<AlarmRecord>.ReadAll(path, AlarmJsonContext.Default.AlarmRecord, _damage)) Remember(r);
        _file = new JsonLinesFile<AlarmRecord>(path, AlarmJsonContext.Default.AlarmRecord);
    }

    /// <summary>Raised after every change (raise, escalation, clearing, acknowledgement) with the new record.</summary>
    public event Action<AlarmRecord>? Changed;

    /// <summary>Every alarm, newest first.</summary>
    /// <returns>A copy.</returns>
    public IReadOnlyList<AlarmRecord> All()
    {
        lock (_gate) return [.. _byId.Values.Reverse()];
    }

    /// <summary>One alarm.</summary>
    /// <param name="id">Alarm id.</param>
    /// <returns>The record, or null.</returns>
    public AlarmRecord? Get(long id)
    {
        lock (_gate) return _byId.GetValueOrDefault(id);
    }

    /// <summary>The cell's latest alarm that still needs attention (active or unacknowledged), or null.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <returns>The record, or null.</returns>
    public AlarmRecord? OpenFor(string site, string cell)
    {
        lock (_gate)
        {
            if (_activeByCell.TryGetValue(Key(site, cell), out long id)) return _byId[id];
            return _byId.Values.Reverse().FirstOrDefault(r => r.Site == site && r.Cell == cell && r.Open);
        }
    }

    /// <summary>Applies a zone transition of a cell: entering critical or deep raises (or escalates) its alarm, or
    /// reopens the cell's latest alarm when that one is still open; leaving them clears it.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <param name="to">The zone entered.</param>
    /// <param name="timeUnixNs">Sample time of the transition.</param>
    /// <param name="cLi">c_Li at the transition.</param>
    /// <param name="voltageV">Voltage at the transition, V.</param>
    /// <param name="step">Source step.</param>
    /// <returns>The changed record, or null when nothing changed (e.g. safe → caution).</returns>
    /// <exception cref="IOException">The change could not be made durable; it is not applied.</exception>
    public AlarmRecord? OnTransition(string site, string cell, Zone to, long timeUnixNs, double cLi, double voltageV, int step) =>
        OnTransitions(site, cell, [new AlarmTransition(to, timeUnixNs, cLi, voltageV, step)]).SingleOrDefault();

    /// <summary>
    /// Applies a cell's zone transitions of one telemetry batch, in order (see <see cref="OnTransition"/>), and makes
    /// the result durable with one append per changed alarm: a noisy batch crossing the limit a thousand times costs
    /// one line and one fsync, not two thousand.
    /// </summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <param name="transitions">The transitions, oldest first.</param>
    /// <returns>The changed records as they are now (empty when nothing changed).</returns>
    /// <exception cref="IOException">The changes could not be made durable; none is applied.</exception>
    public IReadOnlyList<AlarmRecord> OnTransitions(string site, string cell, IEnumerable<AlarmTransition> transitions)
    {
        var changed = new List<AlarmRecord>();
        lock (_gate)
        {
            string key = Key(site, cell);
            var active = _activeByCell.TryGetValue(key, out long activeId) ? _byId[activeId] : null;
            var latest = _latestByCell.TryGetValue(key, out long latestId) ? _byId[latestId] : null;
            long nextId = _nextId;
            foreach (var t in transitions)
            {
                var next = Next(active, latest, site, cell, t, nextId);
                if (next is null) continue;
                if (next.Id == nextId) nextId++;
                changed.RemoveAll(r => r.Id == next.Id);
                changed.Add(next);
                latest = next;
                active = next.Active ? next : null;
            }
            foreach (var r in changed) _file.Append(r);
            foreach (var r in changed) Remember(r);
        }
        foreach (var r in changed) Changed?.Invoke(r);
        return changed;
    }

    /// <summary>The record a transition changes, given the cell's active and latest alarm, or null.</summary>
    private static AlarmRecord? Next(AlarmRecord? active, AlarmRecord? latest, string site, string cell, AlarmTransition t, long nextId)
    {
        if (t.To >= Zone.Critical)
        {
            if (active is not null) return t.To > ZoneNames.Parse(active.Zone) ? active with { Zone = t.To.Name() } : null;
            if (latest is { Open: true })
                return latest with { ClearedUnixNs = null, Crossings = latest.Crossings + 1, Zone = t.To > ZoneNames.Parse(latest.Zone) ? t.To.Name() : latest.Zone };
            return new AlarmRecord(nextId, site, cell, t.To.Name(), t.TimeUnixNs, t.CLi, t.VoltageV, t.Step);
        }
        return active is null ? null : active with { ClearedUnixNs = t.TimeUnixNs };
    }

    /// <summary>Acknowledges an alarm.</summary>
    /// <param name="id">Alarm id.</param>
    /// <param name="user">Who acknowledges.</param>
    /// <param name="note">Optional note (trimmed; at most 500 characters kept).</param>
    /// <param name="nowUnixNs">Wall-clock time of the acknowledgement.</param>
    /// <returns>The acknowledged record.</returns>
    /// <exception cref="KeyNotFoundException">No alarm with that id.</exception>
    /// <exception cref="InvalidOperationException">The alarm was already acknowledged (the message says by whom).</exception>
    /// <exception cref="IOException">The acknowledgement could not be made durable; it is not applied.</exception>
    public AlarmRecord Acknowledge(long id, string user, string? note, long nowUnixNs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        AlarmRecord acked;
        lock (_gate)
        {
            var r = _byId.GetValueOrDefault(id) ?? throw new KeyNotFoundException($"no alarm {id}");
            if (r.Acknowledged) throw new InvalidOperationException($"alarm {id} was already acknowledged by {r.AcknowledgedBy}");
            string? n = string.IsNullOrWhiteSpace(note) ? null : note.Trim() is var t && t.Length > 500 ? t[..500] : note.Trim();
            acked = r with { AcknowledgedBy = user, AcknowledgedUnixNs = nowUnixNs, Note = n };
            _file.Append(acked);
            Remember(acked);
        }
        Changed?.Invoke(acked);
        return acked;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();

    private void Remember(AlarmRecord r)
    {
        _byId[r.Id] = r;
        _nextId = Math.Max(_nextId, r.Id + 1);
        string key = Key(r.Site, r.Cell);
        if (!_latestByCell.TryGetValue(key, out long latest) || latest <= r.Id) _latestByCell[key] = r.Id;
        if (r.Active) _activeByCell[key] = r.Id;
        else if (_activeByCell.TryGetValue(key, out long id) && id == r.Id) _activeByCell.Remove(key);
    }

    private static string Key(string site, string cell) => site + "/" + cell;
}
