namespace Twin.Service.Nexus;

/// <summary>
/// How far the NeXus file may fall behind the twin, in time and in memory. The file is written whole each time (see
/// <see cref="Twin.Nexus.Files.NexusFileWriter"/>): a write costs time in proportion to everything recorded so far,
/// so with a fixed interval a long or large experiment would spend ever more of the machine on it. Instead the writer
/// waits at least <see cref="WaitFactor"/> times as long as its last write took, and twin states that arrive while
/// <see cref="MaxPendingRows"/> wait for a write are left out of the file (a gap, noted in the file's events and the
/// service log; their samples are in the service's store).
/// </summary>
/// <param name="Interval">The configured time between writes (<c>--nexus-every</c>).</param>
/// <param name="MaxPendingRows">At most this many twin states (all cells together) wait in memory for the next write;
/// one state is about 130 bytes, so the default of 400,000 is about 50 MB (40 s of 1,000 cells at 10 Hz).</param>
public sealed record NexusWriteBudget(TimeSpan Interval, int MaxPendingRows = NexusWriteBudget.DefaultMaxPendingRows)
{
    /// <summary>Default <see cref="MaxPendingRows"/>.</summary>
    public const int DefaultMaxPendingRows = 400_000;

    /// <summary>The writer waits at least this many times its last write's duration: it takes at most 1/20 of one core
    /// (a modelling choice of this product, not a measured optimum).</summary>
    public const int WaitFactor = 20;

    /// <summary>Time to wait before the next write.</summary>
    /// <param name="lastWrite">How long the last write took (zero before the first).</param>
    /// <returns>The larger of <see cref="Interval"/> and <see cref="WaitFactor"/> × <paramref name="lastWrite"/>.</returns>
    public TimeSpan NextWait(TimeSpan lastWrite) => lastWrite * WaitFactor > Interval ? lastWrite * WaitFactor : Interval;
}
