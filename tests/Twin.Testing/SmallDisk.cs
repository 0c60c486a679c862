using System.Diagnostics;

namespace Twin.Testing;

/// <summary>
/// A real small file system for disk-full tests: a tmpfs of a given size mounted on a fresh temporary directory
/// (<c>mount -t tmpfs -o size=…</c>; the tests run as root). Disposing unmounts it and deletes the directory.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Free bytes on the file system now (statvfs).</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">Size of the file system.</param>
    /// <returns>The mounted disk.</returns>
    /// <exception cref="InvalidOperationException">mount failed (the message has its output: the tests need root, or CAP_SYS_ADMIN in a container).</exception>
    public static SmallDisk Mount(long bytes)
    {
        string path = RepoPaths.TempDir("disk");
        var (code, text) = Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"cannot mount a {bytes}-byte tmpfs on {path} (the disk-full tests need root or CAP_SYS_ADMIN): {text}");
        }
        return new SmallDisk(path);
    }

    /// <summary>Writes a file of <paramref name="bytes"/> zero bytes (to take space that can be given back later).</summary>
    /// <param name="name">File name inside the disk.</param>
    /// <param name="bytes">Size.</param>
    /// <returns>The file's path.</returns>
    public string Fill(string name, long bytes)
    {
        string file = System.IO.Path.Combine(Path, name);
        using var fs = new FileStream(file, FileMode.Create, FileAccess.Write);
        var block = new byte[64 * 1024];
        for (long left = bytes; left > 0; left -= block.Length) fs.Write(block, 0, (int)Math.Min(block.Length, left));
        return file;
    }

    /// <summary>Unmounts (lazily, so a process still holding a file does not block it) and deletes the mount point.</summary>
    public void Dispose()
    {
        Run("umount", "-l", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static (int Code, string Text) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        string text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, text.Trim());
    }
}
