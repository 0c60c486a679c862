using Twin.Core.Safety;
using Twin.Service.State;

namespace Twin.Service.Alarms;

/// <summary>
/// Every cell's lithium-window alarms: raised, escalated and cleared from the twin's zone transitions, and
/// acknowledged by operators. Each change is appended to <c>alarms.jsonl</c> and fsynced before the call
/// returns, so an alarm and its acknowledgement survive a restart. Thread-safe.
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

    /// <summary>Applies a zone transition of a cell: entering critical or deep raises (or escalates) its alarm,
    /// leaving them clears it.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <param name="to">The zone entered.</param>
    /// <param name="timeUnixNs">Sample time of the transition.</param>
    /// <param name="cLi">c_Li at the transition.</param>
    /// <param name="voltageV">Voltage at the transition, V.</param>
    /// <param name="step">Source step.</param>
    /// <returns>The changed record, or null when nothing changed (e.g. safe → caution).</returns>
    /// <exception cref="IOException">The change could not be made durable; it is not applied.</exception>
    public AlarmRecord? OnTransition(string site, string cell, Zone to, long timeUnixNs, double cLi, double voltageV, int step)
    {
        AlarmRecord? changed;
        lock (_gate)
        {
            _activeByCell.TryGetValue(Key(site, cell), out long activeId);
            var active = activeId == 0 ? null : _byId[activeId];
            if (to >= Zone.Critical)
            {
                if (active is null) changed = new AlarmRecord(_nextId, site, cell, to.Name(), timeUnixNs, cLi, voltageV, step);
                else if (to > ZoneNames.Parse(active.Zone)) changed = active with { Zone = to.Name() };
                else return null;
            }
            else
            {
                if (active is null) return null;
                changed = active with { ClearedUnixNs = timeUnixNs };
            }
            _file.Append(changed);
            Remember(changed);
        }
        Changed?.Invoke(changed);
        return changed;
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
        if (r.Active) _activeByCell[key] = r.Id;
        else if (_activeByCell.TryGetValue(key, out long id) && id == r.Id) _activeByCell.Remove(key);
    }

    private static string Key(string site, string cell) => site + "/" + cell;
}
