using Twin.Storage.LineProtocol;

namespace Twin.Storage.Spool;

/// <summary>Settings of a <see cref="PointSpool"/>.</summary>
public sealed record SpoolOptions
{
    /// <summary>Directory of the segment files, checkpoint, lock and quarantine file; created if missing. Required.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Disk bound in bytes for the segment files (default 1 GiB). A write that would exceed it fails with
    /// <see cref="SpoolFullException"/> and raises <see cref="SpoolAlarmKind.SpoolFull"/>; nothing is dropped.
    /// </summary>
    public long MaxBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Size in bytes at which a new segment file is started (default 64 MiB; at most a quarter of
    /// <see cref="MaxBytes"/> is used so that confirmed segments can be deleted before the bound is hit).
    /// </summary>
    public long SegmentBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Free space to leave on the spool's file system (default 16 MiB): a write that would leave less is refused
    /// with <see cref="SpoolDiskFullException"/>, so the checkpoints and journals next to the spool can still be
    /// written. 0 uses the disk to the last byte (the write then fails with ENOSPC, which is handled the same way).
    /// </summary>
    public long MinFreeDiskBytes { get; init; } = 16L << 20;

    /// <summary>
    /// Bytes of encoded points waiting for the disk (default 32 MiB): while more wait, <see cref="PointSpool.WriteAsync"/>
    /// waits before queueing (back-pressure) and <see cref="PointSpool.CheckAdmission"/> answers
    /// <see cref="SpoolRefusal.Busy"/>. A single write larger than this is accepted alone.
    /// </summary>
    public long MaxQueuedBytes { get; init; } = 32L << 20;

    /// <summary>
    /// Fraction of the managed heap limit (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>, which honours
    /// <c>GCHeapHardLimit</c>) in use after the last collection above which <see cref="PointSpool.CheckAdmission"/>
    /// answers <see cref="SpoolRefusal.MemoryPressure"/> (default 0.85).
    /// </summary>
    public double MaxHeapLoad { get; init; } = 0.85;

    /// <summary>Encoding of the points (timestamp precision, unsigned fields); stored per segment.</summary>
    public LineProtocolOptions LineProtocol { get; init; } = LineProtocolOptions.Default;

    /// <summary>Most lines in one write request to the database (default 5,000).</summary>
    public int BatchMaxLines { get; init; } = 5000;

    /// <summary>Most bytes of line protocol in one write request before compression (default 1 MiB).</summary>
    public int BatchMaxBytes { get; init; } = 1 << 20;

    /// <summary>
    /// Longest time a point waits on disk for a fuller batch before it is sent (default 1 s). Full batches go at once.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// File that receives lines the database refused (400 partial write, field type conflict, 413, 422) with the
    /// server's reason as <c>#</c> comment lines; default <c>quarantine.lp</c> in <see cref="Directory"/>.
    /// </summary>
    public string? QuarantinePath { get; init; }

    /// <summary>
    /// When the database refuses a batch of several lines, send halves of it again to find the refused lines, so
    /// only those are quarantined (writes are idempotent, so resending the good lines is harmless). At most this
    /// many extra requests per refused batch (default 64); 0 quarantines the whole batch at once.
    /// </summary>
    public int MaxIsolationRequests { get; init; } = 64;

    /// <summary>Pause of the drainer after an unexpected error before it tries the batch again (default 5 s).</summary>
    public TimeSpan ErrorPause { get; init; } = TimeSpan.FromSeconds(5);
}
