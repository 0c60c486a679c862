using Polly.CircuitBreaker;

namespace Twin.Storage.Spool;

/// <summary>A snapshot of a spool's counters and gauges (counters since the spool was opened).</summary>
public sealed record SpoolMetrics
{
    /// <summary>Points durably accepted by <see cref="PointSpool.WriteAsync"/>.</summary>
    public long PointsAccepted { get; init; }

    /// <summary>Points confirmed by the database.</summary>
    public long PointsWritten { get; init; }

    /// <summary>Lines moved to the quarantine file.</summary>
    public long QuarantinedLines { get; init; }

    /// <summary>Write calls refused with <see cref="SpoolFullException"/>.</summary>
    public long SpoolFullRejections { get; init; }

    /// <summary>Write requests confirmed by the database.</summary>
    public long BatchesWritten { get; init; }

    /// <summary>Retries of the database writer.</summary>
    public long Retries { get; init; }

    /// <summary>Records (points) on disk not yet confirmed by the database: the spool depth.</summary>
    public long PendingRecords { get; init; }

    /// <summary>Bytes of those records (headers included).</summary>
    public long PendingBytes { get; init; }

    /// <summary>Bytes of all segment files (bounded by <see cref="SpoolOptions.MaxBytes"/>).</summary>
    public long DiskBytes { get; init; }

    /// <summary>Segment files.</summary>
    public int Segments { get; init; }

    /// <summary>Time since the oldest unconfirmed point was accepted, or zero when nothing is pending.</summary>
    public TimeSpan OldestUnconfirmedAge { get; init; }

    /// <summary>Bytes cut off at open because a record was torn or damaged.</summary>
    public long RecoveredBytesDiscarded { get; init; }

    /// <summary>Circuit state of the database writer (Closed without a writer).</summary>
    public CircuitState Circuit { get; init; }

    /// <summary>True while writes fail with <see cref="SpoolFullException"/>.</summary>
    public bool IsFull { get; init; }

    /// <summary>True while writes fail with <see cref="SpoolDiskFullException"/> (the file system is full).</summary>
    public bool IsDiskFull { get; init; }

    /// <summary>Write calls refused with <see cref="SpoolDiskFullException"/>.</summary>
    public long DiskFullRejections { get; init; }

    /// <summary>Bytes of encoded points waiting for the disk (bounded by <see cref="SpoolOptions.MaxQueuedBytes"/>).</summary>
    public long QueuedBytes { get; init; }

    /// <summary>Whether a database writer drains the spool (false: embedded store).</summary>
    public bool HasWriter { get; init; }

    /// <summary>The writer's last error, or null.</summary>
    public string? LastWriterError { get; init; }
}
