using Twin.Service.Config;

namespace Twin.Cli.Tests;

/// <summary><c>twin keygen</c>, and the input errors of <c>twin command</c> and <c>twin sim --fault</c>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // key files are guarded by Unix file modes
public sealed class SecurityCommandTests : IDisposable
{
    private readonly string _dir = Repo.TempDir("security-cli");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Keygen_writes_a_private_key_file_and_prints_the_entry_that_loads_it()
    {
        string key = Path.Combine(_dir, "keys", "ops-1.key");
        var r = TwinProcess.Run("keygen", "--id", "ops-1", "--role", "operator", "--out", key);
        Assert.True(r.ExitCode == 0, r.Err);
        Assert.Equal($"    - {{ id: ops-1, role: operator, file: {key} }}", r.Out.TrimEnd());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        string config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(config, "site: lab\ncells:\n  - { id: c1, material: NMC811, q_li_Ah: 0.01, c_li0: 0.9 }\nsecurity:\n  keys:\n" + r.Out);
        Assert.Equal("ops-1 (operator)", SecuritySection.Load(config).LoadKey("ops-1").ToString()); // the printed entry loads

        var again = TwinProcess.Run("keygen", "--id", "ops-1", "--role", "operator", "--out", key);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists; a key file is never overwritten", again.Err);
        Assert.Contains("--role 'admin': expected twin or operator", TwinProcess.Run("keygen", "--id", "x", "--role", "admin", "--out", key + "2").Err);
    }

    [Fact]
    public void Command_needs_keys_in_the_experiment_file_and_a_known_verb()
    {
        string config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(config, "site: lab\ncells:\n  - { id: c1, material: NMC811, q_li_Ah: 0.01, c_li0: 0.9 }\n");
        var noKeys = TwinProcess.Run("command", "--config", config, "--cell", "c1", "--verb", "abort");
        Assert.Equal(2, noKeys.ExitCode);
        Assert.Contains("no security: keys, so a driver would not verify the command", noKeys.Err);
        var verb = TwinProcess.Run("command", "--config", config, "--cell", "c1", "--verb", "format-disk");
        Assert.Contains("--verb 'format-disk': expected one of end-step, abort, set-safe-cutoff", verb.Err);
        var cell = TwinProcess.Run("command", "--config", config, "--cell", "c9", "--verb", "abort");
        Assert.Contains("no cell 'c9'", cell.Err);
    }

    [Fact]
    public void The_readme_documents_the_acl_the_tests_run_on_mosquitto()
    {
        string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        int at = readme.IndexOf("`/etc/mosquitto/twin.acl` for site `id31` and an instrument PC driving `coin-1`:", StringComparison.Ordinal);
        Assert.True(at > 0, "the README's ACL section");
        int start = readme.IndexOf("```\n", at, StringComparison.Ordinal) + 4;
        string documented = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.Equal(Twin.Testing.Mosquitto.TwinAcl.For("id31", ["coin-1"]), documented);
    }

    [Fact]
    public void Sim_names_the_faults_it_knows()
    {
        var r = TwinProcess.Run("sim", "--fault", "unplug");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--fault 'unplug': expected one of silent, garbage, blackhole, drop", r.Err);
    }
}
