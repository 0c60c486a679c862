using Twin.Testing;

namespace Twin.Cli.Tests;

/// <summary>Paths in the repository, found from the test binary's location.</summary>
internal static class Repo
{
    public static string Root => RepoPaths.Root;

    public static string Sample(string name) => RepoPaths.Sample(name);

    public static string LgM50 => Sample("lg-m50-nmc811-maccor.txt");

    public static string TempDir(string prefix) => RepoPaths.TempDir(prefix);
}
