using Twin.Service.State;

namespace Twin.Service.Settings;

/// <summary>
/// Settings changed at run time, kept in <c>settings.jsonl</c> in the data directory (one line per change, the
/// latest per cell wins) so they outlive a restart and take precedence over the experiment file. Thread-safe.
/// </summary>
public sealed class SettingsStore : IDisposable
{
    private readonly List<string> _damage = [];

    /// <summary>Lines of the file found damaged at open and set aside in its <c>.corrupt</c> file (empty when intact).</summary>
    public IReadOnlyList<string> Damage => _damage;

    /// <summary>The file name inside the data directory.</summary>
    public const string FileName = "settings.jsonl";

    private readonly JsonLinesFile<SettingsOverride> _file;
    private readonly Dictionary<string, SettingsOverride> _latest = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Opens the store in a directory.</summary>
    /// <param name="directory">Data directory (created when missing).</param>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public SettingsStore(string directory)
    {
        string path = Path.Combine(directory, FileName);
        foreach (var o in JsonLinesFile<SettingsOverride>.ReadAll(path, SettingsJsonContext.Default.SettingsOverride, _damage)) _latest[o.Site + "/" + o.Cell] = o;
        _file = new JsonLinesFile<SettingsOverride>(path, SettingsJsonContext.Default.SettingsOverride);
    }

    /// <summary>The latest override of a cell, or null when it runs with the experiment file's settings.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <returns>The override, or null.</returns>
    public SettingsOverride? Get(string site, string cell)
    {
        lock (_gate) return _latest.GetValueOrDefault(site + "/" + cell);
    }

    /// <summary>Records a change durably.</summary>
    /// <param name="change">The change.</param>
    /// <exception cref="IOException">It could not be written.</exception>
    public void Save(SettingsOverride change)
    {
        lock (_gate)
        {
            _file.Append(change);
            _latest[change.Site + "/" + change.Cell] = change;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();
}
