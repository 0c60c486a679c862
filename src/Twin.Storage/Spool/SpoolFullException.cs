namespace Twin.Storage.Spool;

/// <summary>
/// Thrown by <see cref="PointSpool.WriteAsync"/> when accepting the points would make the spool exceed
/// <see cref="SpoolOptions.MaxBytes"/>. None of the call's points were accepted; everything accepted before is kept.
/// </summary>
public sealed class SpoolFullException : SpoolRefusedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="directory">Spool directory.</param>
    /// <param name="maxBytes">Configured bound (bytes).</param>
    /// <param name="usedBytes">Bytes in use by segment files.</param>
    /// <param name="requestedBytes">Bytes the refused write needed.</param>
    public SpoolFullException(string directory, long maxBytes, long usedBytes, long requestedBytes)
        : base($"spool '{directory}' is full: {usedBytes:N0} of {maxBytes:N0} bytes used, {requestedBytes:N0} more needed; " +
               "the database is not keeping up or unreachable (see the spool alarm); the points were not accepted", directory)
    {
        MaxBytes = maxBytes;
        UsedBytes = usedBytes;
        RequestedBytes = requestedBytes;
    }

    /// <summary>Configured bound in bytes.</summary>
    public long MaxBytes { get; }

    /// <summary>Bytes used by segment files when the write was refused.</summary>
    public long UsedBytes { get; }

    /// <summary>Bytes the refused write needed.</summary>
    public long RequestedBytes { get; }

    /// <inheritdoc />
    public override TimeSpan RetryAfter => TimeSpan.FromSeconds(30);
}
