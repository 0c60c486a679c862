using Twin.Data.Readers.Follow;
using Twin.Messaging.Bus;

namespace Twin.Cli.Publish;

/// <summary>
/// <c>twin publish FOLDER --follow</c>: a cycler that starts a new export file per test (or per restart) writes them
/// into one folder. The files (not hidden, in name order — cyclers number or date their files) are published one after
/// the other with the sequence numbers continuing; each is followed until a file after it appears, the last one until
/// the idle time or a stop. A restart resumes in the file the state names; the files before it count as done.
/// </summary>
internal static class FolderPublisher
{
    /// <summary>Publishes the folder's files in order, following the newest.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="template">The request for every file (File is replaced; Follow and StatePath must be set).</param>
    /// <param name="startFor">Wire time of a file's first sample (from the file, or now).</param>
    /// <param name="send">As for <see cref="FilePublisher.RunAsync"/>.</param>
    /// <param name="window">Messages in flight at most.</param>
    /// <param name="log">Told which file is published and about resuming.</param>
    /// <param name="cancellationToken">Stops publishing.</param>
    /// <returns>Samples and messages published by this run.</returns>
    /// <exception cref="IOException">The state names a file that is not in the folder, or a file cannot be read.</exception>
    public static async Task<(long Samples, long Messages)> RunAsync(string folder, PublishRequest template, Func<string, long> startFor,
        Func<BusMessage, CancellationToken, ValueTask> send, int window, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template.Follow);
        ArgumentNullException.ThrowIfNull(template.StatePath);
        var files = Files(folder);
        int next = 0;
        if (PublishState.Load(template.StatePath) is { } saved)
        {
            next = files.FindIndex(f => f == saved.File);
            if (next < 0)
                throw new IOException($"{template.StatePath} names {saved.File}, which is not in {folder}: delete the state file to publish the folder from its first file");
        }
        long samples = 0, messages = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            files = Files(folder);
            if (next >= files.Count)
            {
                // Nothing yet (an empty folder): wait for the cycler's first file like for new rows.
                if (template.Follow.IdleExit is not null && files.Count == 0) throw new IOException($"{folder} holds no export file to follow");
                await Task.Delay(template.Follow.PollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }
            string file = files[next];
            bool later() => Files(folder).Any(f => string.CompareOrdinal(f, file) > 0);
            log($"publishing {Path.GetFileName(file)} ({next + 1} of {files.Count} in {folder})");
            var request = template with
            {
                File = file,
                StartUnixNs = startFor(file),
                Follow = template.Follow with { EndWhen = later, IdleExit = template.Follow.IdleExit },
            };
            var (s, m) = await FilePublisher.RunAsync(request, send, window, null, cancellationToken, log).ConfigureAwait(false);
            samples += s;
            messages += m;
            if (!later()) break; // the last file ended by the idle time or a stop
            next++;
        }
        return (samples, messages);
    }

    /// <summary>The folder's export files: not hidden, full paths in ordinal name order.</summary>
    private static List<string> Files(string folder) =>
        [.. Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)];
}
