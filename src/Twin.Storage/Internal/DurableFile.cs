using System.Runtime.InteropServices;

namespace Twin.Storage.Internal;

/// <summary>fsync of directories (so a created, renamed or deleted file name survives power loss) and atomic replace;
/// public for the small state files of the CLI (<c>twin publish --follow</c>).</summary>
public static partial class DurableFile
{
    private const int ORdOnly = 0;

    /// <summary>fsyncs a directory on Linux/macOS; a no-op elsewhere.</summary>
    /// <param name="directory">The directory.</param>
    public static void SyncDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return;
        }
        int fd = Open(directory, ORdOnly);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = FSync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically: temp file, fsync, rename, fsync directory.</summary>
    /// <param name="path">The file to replace.</param>
    /// <param name="content">Its new content.</param>
    /// <exception cref="IOException">It cannot be written; the old content stays.</exception>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        string temp = path + ".tmp";
        using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            fs.Write(content);
            fs.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
