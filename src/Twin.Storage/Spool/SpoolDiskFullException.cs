namespace Twin.Storage.Spool;

/// <summary>
/// Thrown by <see cref="PointSpool.WriteAsync"/> when the file system holding the spool has no room: the write
/// failed with "no space left on device" (ENOSPC) or "disk quota exceeded" (EDQUOT), or it would have left less
/// than <see cref="SpoolOptions.MinFreeDiskBytes"/> free. None of the call's points were accepted (a partial append
/// is cut back); everything accepted before is kept.
/// </summary>
public sealed class SpoolDiskFullException : SpoolRefusedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="directory">Spool directory.</param>
    /// <param name="freeBytes">Free bytes on the file system when the write was refused (-1 when unknown).</param>
    /// <param name="requestedBytes">Bytes the refused write needed.</param>
    /// <param name="innerException">The I/O error, or null when refused before writing.</param>
    public SpoolDiskFullException(string directory, long freeBytes, long requestedBytes, Exception? innerException = null)
        : base($"the disk of spool '{directory}' is full ({(freeBytes < 0 ? "free space unknown" : $"{freeBytes:N0} bytes free")}, " +
               $"{requestedBytes:N0} needed{(innerException is null ? "" : ": " + innerException.Message)}); the points were not accepted", directory, innerException)
    {
        FreeBytes = freeBytes;
        RequestedBytes = requestedBytes;
    }

    /// <summary>Free bytes on the file system when the write was refused, or -1 when unknown.</summary>
    public long FreeBytes { get; }

    /// <summary>Bytes the refused write needed.</summary>
    public long RequestedBytes { get; }

    /// <summary>True for the I/O errors that mean the file system is full: ENOSPC (28) and EDQUOT (122 on Linux).</summary>
    /// <param name="e">An I/O error.</param>
    /// <returns>Whether it says "no space".</returns>
    public static bool IsNoSpace(IOException e) => (e.HResult & 0xFFFF) is 28 or 122 || e.HResult == unchecked((int)0x80070070);
}
