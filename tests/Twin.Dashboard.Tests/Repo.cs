using Twin.Testing;

namespace Twin.Dashboard.Tests;

/// <summary>Paths in the repository, found from the test binary's location.</summary>
internal static class Repo
{
    /// <summary>The directory holding Twin.sln.</summary>
    public static string Root => RepoPaths.Root;

    /// <summary>The LG M50 / NMC811 Maccor export in samples/.</summary>
    public static string LgM50 => RepoPaths.Sample("lg-m50-nmc811-maccor.txt");

    /// <summary>Where the browser tests keep their screenshots (git-ignored through /artifacts/).</summary>
    public static string ScreenshotDir
    {
        get
        {
            string dir = Path.Combine(Root, "artifacts", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>A fresh directory under the system's temporary directory.</summary>
    public static string TempDir(string prefix) => RepoPaths.TempDir(prefix);
}
