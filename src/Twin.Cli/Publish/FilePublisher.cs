using System.Diagnostics;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Data.Readers.Follow;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;

namespace Twin.Cli.Publish;

/// <summary>What <c>twin publish</c> was asked to do.</summary>
/// <param name="File">Cycler export.</param>
/// <param name="Site">Site id.</param>
/// <param name="Cell">Cell id.</param>
/// <param name="Speed">Playback speed: real time × <paramref name="Speed"/>; 0 or less = as fast as possible.</param>
/// <param name="BatchSize">Samples per message.</param>
/// <param name="StartUnixNs">Time of the file's first sample on the wire, ns since the Unix epoch.</param>
/// <param name="FirstSeq">Sequence number of the file's first sample.</param>
/// <param name="Reader">Reader options.</param>
/// <param name="Follow">Follow the file as the cycler writes it (no pacing: each complete row is sent when it appears), or null to read it once.</param>
/// <param name="StatePath">Where progress is kept for a restart to resume (<see cref="PublishState"/>), or null.</param>
internal sealed record PublishRequest(string File, string Site, string Cell, double Speed, int BatchSize, long StartUnixNs, long FirstSeq, ReaderOptions Reader,
    FollowOptions? Follow = null, string? StatePath = null);

/// <summary>Plays a cycler file onto the telemetry topic as a live instrument would.</summary>
internal static class FilePublisher
{
    /// <summary>
    /// Publishes every sample of the file at QoS 1 — with <see cref="PublishRequest.Follow"/>, also every sample written
    /// to it later, until it stops growing for the idle time or the token fires. With <see cref="PublishRequest.StatePath"/>
    /// a restart resumes after the last acknowledged sample of the same file (its sequence numbers and wire times
    /// continue), and a new file continues the sequence numbers.
    /// </summary>
    /// <param name="request">File, cell, pacing, follow mode.</param>
    /// <param name="send">Sends one message (MQTT publish at QoS 1, or an HTTP post); may return before the
    /// message is acknowledged — up to <paramref name="window"/> sends are outstanding at once, in order.</param>
    /// <param name="window">Messages in flight at most.</param>
    /// <param name="progress">Called with samples published so far after each message; may be null.</param>
    /// <param name="cancellationToken">Stops publishing (a followed file stops at its next poll).</param>
    /// <param name="log">Told about resuming; may be null.</param>
    /// <returns>Samples and messages published by this run (all acknowledged when the task completes).</returns>
    /// <exception cref="CyclerDataException">A malformed row (without lenient mode).</exception>
    /// <exception cref="FollowedFileChangedException">The followed file was truncated or replaced.</exception>
    public static async Task<(long Samples, long Messages)> RunAsync(PublishRequest request, Func<BusMessage, CancellationToken, ValueTask> send,
        int window, Action<long>? progress, CancellationToken cancellationToken, Action<string>? log = null)
    {
        string path = Path.GetFullPath(request.File);
        long firstSeq = request.FirstSeq, startNs = request.StartUnixNs, skip = 0;
        if (request.StatePath is { } statePath && PublishState.Load(statePath) is { } saved)
        {
            if (saved.Describes(path))
            {
                (firstSeq, startNs, skip) = (saved.FirstSeq, saved.StartUnixNs, saved.Acknowledged);
                log?.Invoke($"resuming {Path.GetFileName(path)} after its first {skip:N0} acknowledged samples (seq {firstSeq + skip} on), state {statePath}");
            }
            else
            {
                firstSeq = saved.FirstSeq + saved.Acknowledged;
                log?.Invoke(saved.File == path
                    ? $"{Path.GetFileName(path)} was rewritten since {statePath} was saved: publishing it as a new file from its first sample, seq {firstSeq} on"
                    : $"{Path.GetFileName(path)} is a new file ({statePath} describes {Path.GetFileName(saved.File)}): publishing it from its first sample, seq {firstSeq} on");
            }
        }

        var inFlight = new Queue<(Task Sent, int Samples)>();
        var saveClock = Stopwatch.StartNew();
        long index = 0, acknowledged = skip, samples = 0, messages = 0;
        string topic = TwinTopics.Telemetry(request.Site, request.Cell);
        string instrument = Path.GetFileNameWithoutExtension(request.File);
        // A followed file is identified by the bytes read through the stream, never by what the path holds now: the
        // cycler may have put another file there (detected at the next poll) and its samples must not be skipped.
        // An EC-Lab raw file (.mpr) grows in place, record by record, and is followed by position instead.
        GrowingFileStream? growing = null;
        GrowingMprFile? raw = null;
        CyclerFileReader? reader = null;
        if (request.Follow is { } follow)
        {
            follow = follow with { OnIdle = () => { DrainCompleted(); SaveState(force: false); } };
            await UntilTypeKnownAsync(path, follow, cancellationToken).ConfigureAwait(false);
            if (GrowingMprFile.IsRawFile(path)) raw = new GrowingMprFile(path, follow, null, cancellationToken);
            else growing = new GrowingFileStream(path, follow, null, cancellationToken);
        }
        if (raw is null)
        {
            Stream stream = growing ?? (Stream)new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            reader = CyclerFileReader.Open(stream, request.File, request.Reader);
        }
        using var closeReader = reader;
        using var closeRaw = raw;
        IEnumerable<CyclerSample> source = raw?.Samples(request.Reader.Lenient) ?? reader!;
        var clock = Stopwatch.StartNew();
        var batch = new List<TelemetrySample>(request.BatchSize);
        double t0 = double.NaN;
        try
        {
            foreach (var s in source)
            {
                if (double.IsNaN(t0)) t0 = s.TimeS;
                long seq = firstSeq + index++;
                if (seq < firstSeq + skip) continue; // acknowledged before the restart
                batch.Add(ToWire(s, seq, startNs));
                if (batch.Count < request.BatchSize) continue;
                if (request.Follow is null) await PaceAsync(request.Speed, s.TimeS - t0, clock, cancellationToken).ConfigureAwait(false);
                await SendAsync().ConfigureAwait(false);
            }
            if (batch.Count > 0) await SendAsync().ConfigureAwait(false);
            while (inFlight.Count > 0) await AcknowledgedAsync().ConfigureAwait(false);
        }
        finally
        {
            DrainCompleted();
            SaveState(force: true);
        }
        return (samples, messages);

        async Task SendAsync()
        {
            var message = new TelemetryMessage { Instrument = instrument, Samples = [.. batch] };
            inFlight.Enqueue((send(new BusMessage(topic, TwinPayloads.Serialize(message), QualityOfService.AtLeastOnce) { ContentType = "application/json" }, cancellationToken).AsTask(), batch.Count));
            while (inFlight.Count >= window) await AcknowledgedAsync().ConfigureAwait(false);
            DrainCompleted();
            SaveState(force: false);
            samples += batch.Count;
            messages++;
            batch.Clear();
            progress?.Invoke(samples);
        }

        async Task AcknowledgedAsync()
        {
            var (sent, count) = inFlight.Peek();
            await sent.ConfigureAwait(false);
            inFlight.Dequeue();
            acknowledged += count;
            SaveState(force: false);
        }

        // Counts the sends at the head of the queue that are done (in order), without waiting; a failed one stays for
        // AcknowledgedAsync to raise.
        void DrainCompleted()
        {
            while (inFlight.Count > 0 && inFlight.Peek().Sent.IsCompletedSuccessfully) acknowledged += inFlight.Dequeue().Samples;
        }

        void SaveState(bool force)
        {
            if (request.StatePath is null || (!force && saveClock.Elapsed < TimeSpan.FromSeconds(1))) return;
            if (growing is { Head.Length: 0 } || raw is { Head.Length: 0 }) return; // nothing read yet: the state on disk still says where to resume
            saveClock.Restart();
            var (sha, length) = growing is not null ? PublishState.HeadHash(growing.Head) : raw is not null ? PublishState.HeadHash(raw.Head) : PublishState.HeadHash(path);
            new PublishState(path, sha, length, startNs, firstSeq, acknowledged).Save(request.StatePath);
        }
    }

    /// <summary>The wire form of a sample.</summary>
    /// <param name="s">The sample.</param>
    /// <param name="seq">Its sequence number.</param>
    /// <param name="startUnixNs">Wire time of the file's time zero.</param>
    /// <returns>The telemetry sample.</returns>
    public static TelemetrySample ToWire(in CyclerSample s, long seq, long startUnixNs) => new()
    {
        Seq = seq,
        TimeUnixNs = startUnixNs + (long)Math.Round(s.TimeS * 1e9),
        VoltageV = s.VoltageV,
        CurrentA = s.CurrentA,
        ChargeAh = s.HasChargeCounter ? s.ChargeCounterAh : null,
        CounterSegment = s.CounterSegment,
        Step = s.Step,
        Cycle = s.SourceCycle,
        Kind = s.Kind.Name(),
        TemperatureC = double.IsFinite(s.TemperatureC) ? s.TemperatureC : null,
    };

    /// <summary>Waits until a followed file holds enough bytes to tell a raw EC-Lab file from a text export (a cycler may
    /// create it empty), or the idle time passes (an empty text export is then followed as one).</summary>
    private static async Task UntilTypeKnownAsync(string path, FollowOptions follow, CancellationToken ct)
    {
        var idle = Stopwatch.StartNew();
        while (new FileInfo(path).Length < GrowingMprFile.SignatureLength && !ct.IsCancellationRequested
            && (follow.IdleExit is not { } exit || idle.Elapsed < exit))
        {
            try
            {
                await Task.Delay(follow.PollInterval, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // stopped: what follows ends at its first poll, as for a file that was there
            }
        }
    }

    private static async Task PaceAsync(double speed, double fileSeconds, Stopwatch clock, CancellationToken ct)
    {
        if (speed <= 0) return;
        double due = fileSeconds / speed;
        double wait = due - clock.Elapsed.TotalSeconds;
        if (wait > 0.001) await Task.Delay(TimeSpan.FromSeconds(Math.Min(wait, 3600)), ct).ConfigureAwait(false);
    }
}
