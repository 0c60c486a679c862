using Twin.Core.Cutoff;
using Twin.Core.Safety;
using Twin.Service.Alarms;
using Twin.Service.Settings;

namespace Twin.Service.Tests;

/// <summary>Damaged lines of the alarm and settings journals, made on real files: set aside, reported, never silently dropped.</summary>
public sealed class JournalDamageTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-journal-" + Guid.NewGuid().ToString("N"));

    public JournalDamageTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_damaged_last_alarm_is_set_aside_reported_and_the_book_still_opens_after_more_entries()
    {
        using (var book = new AlarmBook(_dir))
        {
            book.OnTransition("lab", "c1", Zone.Critical, 1, 0.39, 4.1, 2);
            book.OnTransition("lab", "c1", Zone.Deep, 2, 0.31, 4.2, 2);
        }
        string file = Path.Combine(_dir, AlarmBook.FileName);
        var lines = File.ReadAllLines(file);
        lines[^1] = lines[^1][..(lines[^1].Length / 2)] + "\u0000\u0000";
        File.WriteAllLines(file, lines);

        using (var book = new AlarmBook(_dir))
        {
            string damage = Assert.Single(book.Damage);
            Assert.Contains("alarms.jsonl line 2 is damaged", damage, StringComparison.Ordinal);
            Assert.Contains(lines[^1], File.ReadAllText(file + ".corrupt"), StringComparison.Ordinal);
            Assert.Equal("critical", Assert.Single(book.All()).Zone);
            book.OnTransition("lab", "c1", Zone.Safe, 3, 0.46, 3.9, 3);
        }
        // The set-aside line no longer breaks the file: the next start reads every entry and reports nothing.
        using var again = new AlarmBook(_dir);
        Assert.Empty(again.Damage);
        Assert.NotNull(Assert.Single(again.All()).ClearedUnixNs);
    }

    [Fact]
    public void A_damaged_last_settings_change_is_set_aside_and_reported()
    {
        var limits = new SafetyLimits(0.45, 0.40, 0.32, 0.005);
        using (var store = new SettingsStore(_dir))
        {
            store.Save(new SettingsOverride("lab", "c1", CellSettings.From(limits, new LithiumCutoffPolicy(0.42, 4.2, true)), 1, "olga"));
            store.Save(new SettingsOverride("lab", "c1", CellSettings.From(limits, new LithiumCutoffPolicy(0.44, 4.2, true)), 2, "olga"));
        }
        string file = Path.Combine(_dir, SettingsStore.FileName);
        File.WriteAllText(file, File.ReadAllText(file).Replace("0.44", "0.4\"4", StringComparison.Ordinal));
        using var again = new SettingsStore(_dir);
        Assert.Contains("settings.jsonl line 2 is damaged", Assert.Single(again.Damage), StringComparison.Ordinal);
        Assert.Equal(0.42, again.Get("lab", "c1")!.Settings.Cutoff.CLiMin);
        Assert.True(File.Exists(file + ".corrupt"));
    }
}
