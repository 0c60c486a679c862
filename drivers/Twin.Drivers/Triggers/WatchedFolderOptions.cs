namespace Twin.Drivers.Triggers;

/// <summary>Settings of <see cref="WatchedFolderTrigger"/>.</summary>
public sealed record WatchedFolderOptions
{
    /// <summary>File extensions picked up, case-insensitive, with the dot. Default <c>.xy</c> and <c>.dat</c>. Files whose name starts with '.' are never picked up (temporary files).</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [".xy", ".dat"];

    /// <summary>How long size and modification time must stay unchanged before a file counts as complete. Default 250 ms. Files renamed into the folder are complete at once.</summary>
    public TimeSpan StableFor { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Directory scan interval (the file-system watcher wakes the scan earlier). Default 100 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary><see cref="WatchedFolderTrigger.AcquireAsync"/> fails when no complete file appeared within exposure + this margin. Default 60 s.</summary>
    public TimeSpan AcquireMargin { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether files already in the folder when it is opened are delivered too. Default false (only new files).</summary>
    public bool IncludeExisting { get; init; }

    /// <summary>Detector name used when a file does not name one. Default "unknown".</summary>
    public string Detector { get; init; } = "unknown";

    /// <summary>Wavelength, Å, used when a file gives neither wavelength nor energy; null leaves the record without one.</summary>
    public double? WavelengthA { get; init; }
}
