using Twin.Messaging.Security;
using Twin.Service.Config;
using Twin.Service.Security;
using Twin.Testing;

namespace Twin.Service.Tests.Config;

/// <summary>The experiment file's <c>security:</c> section: keys by reference only, loaded per role, with clear errors.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // key files are guarded by Unix file modes
public sealed class SecuritySectionTests : IDisposable
{
    private readonly string _dir = RepoPaths.TempDir("security-section");

    private const string Cells = """
        site: lab
        cells:
          - { id: c1, material: NMC811, q_li_Ah: 0.01, c_li0: 0.9 }
        """;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Write(string security)
    {
        string path = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(path, Cells + "\n" + security);
        return path;
    }

    [Fact]
    public void Keys_from_files_and_environment_load_per_role_and_the_cells_still_parse()
    {
        KeyFile.Create(Path.Combine(_dir, "keys", "twin-1.key"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "keys", "twin-1.key")));
        Environment.SetEnvironmentVariable("TWIN_TEST_OPS_KEY", Convert.ToBase64String(MessageKey.NewSecret()));
        string path = Write("""
            security:
              max_age_s: 12
              keys:
                - { id: twin-1, role: twin, file: keys/twin-1.key }
                - { id: ops-1, role: operator, env: TWIN_TEST_OPS_KEY }
            """);
        Assert.Single(ExperimentFile.Load(path)); // the cells' parser accepts the section
        var s = SecuritySection.Load(path);
        Assert.True(s.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(12), s.MaxAge);
        Assert.Equal(Path.Combine(_dir, "keys", "twin-1.key"), s.Keys[0].File);
        var twinOnly = s.LoadKeys(SignerRole.Twin); // the service needs no operator secret
        Assert.Equal(["twin-1"], twinOnly.Keys.Select(k => k.Id));
        var both = s.LoadKeys(SignerRole.Twin, SignerRole.Operator);
        Assert.Equal(SignerRole.Operator, both.Find("ops-1")!.Role);
        Assert.Equal(SignerRole.Twin, s.TwinSigner().Key.Role);
    }

    [Fact]
    public void Without_the_section_nothing_is_signed()
    {
        var s = SecuritySection.Load(Write(""));
        Assert.False(s.Enabled);
        var bus = new Twin.Messaging.Bus.InProcessBus();
        Assert.Same(bus, s.SignServiceBus(bus));
    }

    [Theory]
    [InlineData("- { id: t, role: twin, secret: c2VjcmV0 }", "secrets are not allowed in the experiment file")]
    [InlineData("- { id: t, role: admin, file: k }", "role 'admin' must be 'twin' or 'operator'")]
    [InlineData("- { id: 't/1', role: twin, file: k }", "'id' is required and must match")]
    [InlineData("- { id: t, role: twin }", "give exactly one of 'file:'")]
    [InlineData("- { id: t, role: twin, file: a, env: B }", "give exactly one of 'file:'")]
    [InlineData("- { id: t, role: twin, env: 'A-B' }", "is not an environment variable name")]
    public void A_malformed_key_is_refused_naming_the_key_and_the_field(string key, string expected)
    {
        var e = Assert.Throws<FormatException>(() => SecuritySection.Load(Write("security:\n  keys:\n    " + key + "\n")));
        Assert.Contains("experiment.yaml: security key 1", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Missing_unreadable_or_weak_secrets_are_refused_when_loaded()
    {
        string path = Write("""
            security:
              keys:
                - { id: twin-1, role: twin, file: keys/none.key }
                - { id: ops-1, role: operator, env: TWIN_TEST_UNSET_KEY }
            """);
        var s = SecuritySection.Load(path);
        Assert.Contains("key file", Assert.Throws<FileNotFoundException>(() => s.LoadKeys(SignerRole.Twin)).Message);
        Environment.SetEnvironmentVariable("TWIN_TEST_UNSET_KEY", null);
        Assert.Contains("environment variable TWIN_TEST_UNSET_KEY is not set", Assert.Throws<FormatException>(() => s.LoadKeys(SignerRole.Operator)).Message);

        string open = Path.Combine(_dir, "keys", "none.key");
        KeyFile.Create(open);
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Contains("may be read by other users; run `chmod 600", Assert.Throws<FormatException>(() => s.LoadKeys(SignerRole.Twin)).Message);
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(open, Convert.ToBase64String(new byte[16]));
        Assert.Contains("the secret has 16 bytes; at least 32", Assert.Throws<FormatException>(() => s.LoadKeys(SignerRole.Twin)).Message);
        Assert.Throws<IOException>(() => KeyFile.Create(open)); // never overwritten
    }
}
