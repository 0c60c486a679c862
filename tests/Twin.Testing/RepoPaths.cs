namespace Twin.Testing;

/// <summary>Paths in the repository, found from the test binary's location, and fresh temporary directories.</summary>
public static class RepoPaths
{
    /// <summary>The directory holding Twin.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A file in samples/.</summary>
    /// <param name="name">File name.</param>
    /// <returns>Its path.</returns>
    public static string Sample(string name) => Path.Combine(Root, "samples", name);

    /// <summary>A fresh directory under the system's temporary directory.</summary>
    /// <param name="prefix">Name part.</param>
    /// <returns>Its path.</returns>
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
