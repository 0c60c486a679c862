namespace Twin.Cli.Replay;

/// <summary>
/// Atomic replay outputs: a run writes into a staging folder inside the output folder and moves its files into place
/// only when it succeeded (<see cref="Commit"/>); a failed run removes the staging folder (<see cref="Discard"/>) and
/// leaves the previous run's outputs as they were. Output files of an earlier run that this run did not produce
/// (measurements.csv, experiment.nxs) are removed on commit, so the folder never mixes two runs.
/// </summary>
internal static class OutputFolder
{
    /// <summary>Every file a replay can write, summary.json last (it names the run the others belong to).</summary>
    public static readonly string[] Files = ["samples.csv", "events.json", "measurements.csv", "report.html", "experiment.nxs", "summary.json"];

    /// <summary>Creates an empty staging folder inside an output folder (same file system, so the moves are renames).</summary>
    /// <param name="outDir">The output folder; created when missing (and removed again by <see cref="Discard"/> when still empty).</param>
    /// <returns>The staging folder, <c>.partial-{process id}</c> inside <paramref name="outDir"/>.</returns>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    public static string Stage(string outDir)
    {
        Directory.CreateDirectory(outDir);
        string staging = Path.Combine(outDir, $".partial-{Environment.ProcessId}");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Moves the staged files into the output folder (each replacing its namesake) and removes the staging folder.</summary>
    /// <param name="staging">The staging folder.</param>
    /// <param name="outDir">The output folder; created when missing.</param>
    /// <exception cref="IOException">A file cannot be moved.</exception>
    public static void Commit(string staging, string outDir)
    {
        Directory.CreateDirectory(outDir);
        foreach (string name in Files)
        {
            string from = Path.Combine(staging, name), to = Path.Combine(outDir, name);
            if (File.Exists(from)) File.Move(from, to, overwrite: true);
            else if (File.Exists(to)) File.Delete(to);
        }
        Directory.Delete(staging, recursive: true);
    }

    /// <summary>Removes a staging folder after a failed run, and its output folder when nothing else is in it; what cannot be
    /// removed is left (the run's own error is what the user needs to see).</summary>
    /// <param name="staging">The staging folder.</param>
    public static void Discard(string staging)
    {
        try
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            string? outDir = Path.GetDirectoryName(staging);
            if (outDir is not null && Directory.Exists(outDir) && !Directory.EnumerateFileSystemEntries(outDir).Any()) Directory.Delete(outDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>True when the output folder holds a previous run's summary.json.</summary>
    /// <param name="outDir">The output folder.</param>
    /// <returns>Whether previous outputs exist.</returns>
    public static bool HasPrevious(string outDir) => File.Exists(Path.Combine(outDir, "summary.json"));
}
