namespace Twin.Storage.Spool;

/// <summary>Why a spool would refuse a write now.</summary>
public enum SpoolRefusal
{
    /// <summary>It would accept.</summary>
    None,

    /// <summary>The disk bound <see cref="SpoolOptions.MaxBytes"/> is reached (<see cref="SpoolFullException"/>).</summary>
    SpoolFull,

    /// <summary>The file system is full (<see cref="SpoolDiskFullException"/>).</summary>
    DiskFull,

    /// <summary>More than <see cref="SpoolOptions.MaxQueuedBytes"/> wait for the disk: a write would wait.</summary>
    Busy,

    /// <summary>The managed heap is nearly at its limit even after a collection (<see cref="SpoolOptions.MaxHeapLoad"/>).</summary>
    MemoryPressure,
}

/// <summary>
/// The answer of <see cref="PointSpool.CheckAdmission"/>: whether a write would be accepted now, and if not why and
/// when to try again. A cheap check (no I/O except a file-system free-space query while the disk is known full) for
/// callers that must answer at once, e.g. an HTTP ingest that replies 503 with <c>Retry-After</c> instead of waiting.
/// </summary>
/// <param name="Refusal">Why it would refuse, or <see cref="SpoolRefusal.None"/>.</param>
/// <param name="Reason">Human-readable reason (empty when accepting).</param>
/// <param name="RetryAfter">Suggested wait before trying again (zero when accepting).</param>
public readonly record struct SpoolAdmission(SpoolRefusal Refusal, string Reason, TimeSpan RetryAfter)
{
    /// <summary>True when a write would be accepted now.</summary>
    public bool Accepts => Refusal == SpoolRefusal.None;

    /// <summary>Accepting.</summary>
    public static SpoolAdmission Accept { get; } = new(SpoolRefusal.None, "", TimeSpan.Zero);
}
