using Twin.Core.Cutoff;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Core.Cells;
using Twin.Core.Samples;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Ingest;
using Twin.Service.Security;
using Twin.Service.Settings;

namespace Twin.Service.Tests.Operations;

public sealed class SettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("twin-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CellSettings Defaults => CellSettings.From(SafetyLimits.Default, LithiumCutoffPolicy.Default);

    [Fact]
    public void DiffNamesEveryChangedFieldAndValidationNamesTheBadValue()
    {
        var next = Defaults with { CLiMin = 0.44, CutoffEnabled = false };
        Assert.Equal(["cutoff_enabled: True → False", "c_li_min: 0.4 → 0.44"], next.DiffFrom(Defaults));
        Assert.Empty(Defaults.DiffFrom(Defaults));
        Assert.Contains("deep < critical < caution", Assert.Throws<ArgumentException>(() => (Defaults with { Critical = 0.5 }).Validate()).Message);
        Assert.Contains("below the deep limit", Assert.Throws<ArgumentException>(() => (Defaults with { CLiMin = 0.2 }).Validate()).Message);
        Assert.Contains("v_max", Assert.Throws<ArgumentException>(() => (Defaults with { VMax = 6 }).Validate()).Message);
    }

    [Fact]
    public void TheLatestOverrideOfEachCellWinsAfterAReopen()
    {
        using (var store = new SettingsStore(_dir))
        {
            store.Save(new SettingsOverride("s", "a", Defaults with { CLiMin = 0.43 }, 1, "olga"));
            store.Save(new SettingsOverride("s", "b", Defaults with { Critical = 0.41 }, 2, "olga"));
            store.Save(new SettingsOverride("s", "a", Defaults with { CLiMin = 0.45 }, 3, "ivan"));
        }
        using var reopened = new SettingsStore(_dir);
        Assert.Equal((0.45, "ivan"), (reopened.Get("s", "a")!.Settings.CLiMin, reopened.Get("s", "a")!.User));
        Assert.Equal(0.41, reopened.Get("s", "b")!.Settings.Critical);
        Assert.Null(reopened.Get("s", "c"));
    }

    [Fact]
    public void ReconfiguringARunningTwinKeepsItsStateAndAppliesTheNewCriticalLimitFromTheNextSample()
    {
        // zones act on c_Li − 2σ, σ = σ(c_Li0) = 0.02 at the start: c_Li0 = 0.52 puts the bound at 0.48, safe under the
        // defaults and critical under the new limits below
        var cell = new ExperimentCell("s", CellConfig.WithDefaults("c", MaterialCatalog.Default.Get("NMC811"), 1.0, 0.52));
        var rt = new CellRuntime(cell, null);
        rt.Apply(Message(0, 0.0));
        double before = rt.Twin.CLi;
        Assert.Equal(Zone.Safe, rt.Twin.Zone);
        rt.Reconfigure(SafetyLimits.Default with { CautionCLi = 0.6, CriticalCLi = 0.5 }, LithiumCutoffPolicy.Default with { CLiMin = 0.55 });
        Assert.Equal(before, rt.Twin.CLi, 12);
        Assert.Equal((0.5, 0.55), (rt.Cell.Config.Limits.CriticalCLi, rt.Cell.Config.Cutoff.CLiMin));
        var batch = rt.Apply(Message(1, 10.0));
        rt.Commit(batch, rt.Checkpoint());
        Assert.Equal(Zone.Critical, batch.Transitions.Single().To);
        Assert.Equal("stop_lithium", rt.LastState!.Cutoff);
        Assert.Throws<ArgumentException>(() => rt.Reconfigure(SafetyLimits.Default with { CriticalCLi = 0.9 }, LithiumCutoffPolicy.Default));
        Assert.Equal(0.5, rt.Cell.Config.Limits.CriticalCLi);
    }

    private static TelemetryMessage Message(long seq, double seconds) => new()
    {
        Samples = [new TelemetrySample { Seq = seq, TimeUnixNs = 1_700_000_000_000_000_000 + (long)(seconds * 1e9), VoltageV = 4.0, CurrentA = 0.1, Step = 2, Cycle = 1, Kind = "charge" }],
    };

    [Fact]
    public void PasswordsAreHashedAndCheckedAndTheDashboardSectionIsValidated()
    {
        string hash = PasswordHashing.Hash("correct horse");
        Assert.True(PasswordHashing.Verify(hash, "correct horse"));
        Assert.False(PasswordHashing.Verify(hash, "correct horsE"));
        Assert.False(PasswordHashing.Verify("garbage", "correct horse"));
        Assert.DoesNotContain("correct", hash);
        Assert.Throws<ArgumentException>(() => PasswordHashing.Hash("short"));

        string yaml = $$"""
            site: s
            cells: [ { id: c, material: NMC811, q_li_Ah: 1.0, c_li0: 0.9 } ]
            dashboard:
              anonymous_read: true
              users:
                - { name: olga, role: operator, password_hash: "{{hash}}" }
            """;
        var e = ExperimentFile.ParseExperiment(yaml, "exp.yaml");
        Assert.True(e.Access.AnonymousRead);
        Assert.Equal(TwinRoles.Operator, e.Access.Find("olga")!.Role);
        Assert.False(ExperimentFile.ParseExperiment(yaml.Replace("anonymous_read: true", "users: []").Split("  users:\n")[0], "x").Access.AnonymousRead);
        Assert.Contains("role 'admin'", Assert.Throws<FormatException>(() => ExperimentFile.ParseExperiment(yaml.Replace("operator", "admin"), "exp.yaml")).Message);
        var plain = Assert.Throws<FormatException>(() => ExperimentFile.ParseExperiment(yaml.Replace(hash, "hunter22"), "exp.yaml"));
        Assert.Contains("dashboard user 1 'olga'", plain.Message);
        Assert.Contains("never the password itself", plain.Message);
    }
}
