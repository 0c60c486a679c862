using Twin.Service.State;

namespace Twin.Service.Settings;

/// <summary>
/// The audit log (<c>audit.jsonl</c> in the data directory): every settings change, alarm acknowledgement and
/// login, appended and fsynced before the action is reported done. Keeps the most recent entries in memory for
/// the dashboard. Thread-safe.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly List<string> _damage = [];

    /// <summary>Lines of the file found damaged at open and set aside in its <c>.corrupt</c> file (empty when intact).</summary>
    public IReadOnlyList<string> Damage => _damage;

    /// <summary>The file name inside the data directory.</summary>
    public const string FileName = "audit.jsonl";

    /// <summary>Entries kept in memory.</summary>
    public const int Recent = 500;

    private readonly JsonLinesFile<AuditEntry> _file;
    private readonly LinkedList<AuditEntry> _recent = new();
    private readonly Lock _gate = new();

    /// <summary>Opens the log in a directory.</summary>
    /// <param name="directory">Data directory (created when missing).</param>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public AuditLog(string directory)
    {
        string path = Path.Combine(directory, FileName);
        foreach (var e in JsonLinesFile<AuditEntry>.ReadAll(path, SettingsJsonContext.Default.AuditEntry, _damage)) Keep(e);
        _file = new JsonLinesFile<AuditEntry>(path, SettingsJsonContext.Default.AuditEntry);
    }

    /// <summary>Raised after an entry was written (on the writer's thread; handlers must not block or throw).</summary>
    public event Action<AuditEntry>? Written;

    /// <summary>Appends an entry and makes it durable, then raises <see cref="Written"/>.</summary>
    /// <param name="entry">The entry.</param>
    /// <exception cref="IOException">The entry could not be written.</exception>
    public void Write(AuditEntry entry)
    {
        lock (_gate)
        {
            _file.Append(entry);
            Keep(entry);
        }
        Written?.Invoke(entry);
    }

    /// <summary>The most recent entries, newest first.</summary>
    /// <param name="max">At most this many.</param>
    /// <returns>A copy.</returns>
    public IReadOnlyList<AuditEntry> Latest(int max = Recent)
    {
        lock (_gate) return [.. _recent.Take(max)];
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();

    private void Keep(AuditEntry e)
    {
        _recent.AddFirst(e);
        if (_recent.Count > Recent) _recent.RemoveLast();
    }
}
