namespace Twin.Storage.Spool;

/// <summary>What a <see cref="SpoolAlarm"/> is about.</summary>
public enum SpoolAlarmKind
{
    /// <summary>The disk bound is reached: writes fail with <see cref="SpoolFullException"/> until the drainer frees space.</summary>
    SpoolFull,

    /// <summary>The database answers a configuration error (401/403/404…); points are kept and retried slowly.</summary>
    WriterConfiguration,

    /// <summary>The database circuit breaker is open after repeated failures; points are kept and retried.</summary>
    WriterUnavailable,

    /// <summary>Lines were refused by the database and moved to the quarantine file (one-shot, <see cref="SpoolAlarm.Active"/> true).</summary>
    Quarantined,

    /// <summary>Damaged spool data was found and cut off (torn tail after a crash, or corruption); one-shot.</summary>
    Recovered,

    /// <summary>The file system holding the spool is full: writes fail with <see cref="SpoolDiskFullException"/> until there is room.</summary>
    DiskFull,
}

/// <summary>An alarm raised or cleared by a <see cref="PointSpool"/>.</summary>
/// <param name="Kind">What it is about.</param>
/// <param name="Active">True when raised, false when cleared.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="Time">When (UTC).</param>
public sealed record SpoolAlarm(SpoolAlarmKind Kind, bool Active, string Message, DateTimeOffset Time);
