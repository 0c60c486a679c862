namespace Twin.Cli.Tests;

/// <summary>Paths in the repository, found from the test binary's location.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(Root, "samples", name);

    public static string LgM50 => Sample("lg-m50-nmc811-maccor.txt");

    public static string TempDir(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"twin-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Twin.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Twin.sln not found above " + AppContext.BaseDirectory);
    }
}
