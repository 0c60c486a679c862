using System.Diagnostics;
using Twin.Core.Samples;
using Twin.Data.Readers;
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
internal sealed record PublishRequest(string File, string Site, string Cell, double Speed, int BatchSize, long StartUnixNs, long FirstSeq, ReaderOptions Reader);

/// <summary>Plays a cycler file onto the telemetry topic as a live instrument would.</summary>
internal static class FilePublisher
{
    /// <summary>Publishes every sample of the file at QoS 1.</summary>
    /// <param name="request">File, cell, pacing.</param>
    /// <param name="send">Sends one message (MQTT publish at QoS 1, or an HTTP post); may return before the
    /// message is acknowledged — up to <paramref name="window"/> sends are outstanding at once, in order.</param>
    /// <param name="window">Messages in flight at most.</param>
    /// <param name="progress">Called with samples published so far after each message; may be null.</param>
    /// <param name="cancellationToken">Stops publishing.</param>
    /// <returns>Samples and messages published (all acknowledged when the task completes).</returns>
    /// <exception cref="CyclerDataException">A malformed row (without lenient mode).</exception>
    public static async Task<(long Samples, long Messages)> RunAsync(PublishRequest request, Func<BusMessage, CancellationToken, ValueTask> send,
        int window, Action<long>? progress, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<Task>();
        string topic = TwinTopics.Telemetry(request.Site, request.Cell);
        string instrument = Path.GetFileNameWithoutExtension(request.File);
        using var reader = CyclerFileReader.Open(request.File, request.Reader);
        var clock = Stopwatch.StartNew();
        var batch = new List<TelemetrySample>(request.BatchSize);
        long seq = request.FirstSeq, samples = 0, messages = 0;
        double t0 = double.NaN;
        foreach (var s in reader)
        {
            if (double.IsNaN(t0)) t0 = s.TimeS;
            batch.Add(ToWire(s, seq++, request.StartUnixNs));
            if (batch.Count < request.BatchSize) continue;
            await PaceAsync(request.Speed, s.TimeS - t0, clock, cancellationToken).ConfigureAwait(false);
            await SendAsync().ConfigureAwait(false);
        }
        if (batch.Count > 0) await SendAsync().ConfigureAwait(false);
        while (inFlight.Count > 0) await inFlight.Dequeue().ConfigureAwait(false);
        return (samples, messages);

        async Task SendAsync()
        {
            var message = new TelemetryMessage { Instrument = instrument, Samples = [.. batch] };
            inFlight.Enqueue(send(new BusMessage(topic, TwinPayloads.Serialize(message), QualityOfService.AtLeastOnce) { ContentType = "application/json" }, cancellationToken).AsTask());
            while (inFlight.Count >= window) await inFlight.Dequeue().ConfigureAwait(false);
            samples += batch.Count;
            messages++;
            batch.Clear();
            progress?.Invoke(samples);
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

    private static async Task PaceAsync(double speed, double fileSeconds, Stopwatch clock, CancellationToken ct)
    {
        if (speed <= 0) return;
        double due = fileSeconds / speed;
        double wait = due - clock.Elapsed.TotalSeconds;
        if (wait > 0.001) await Task.Delay(TimeSpan.FromSeconds(Math.Min(wait, 3600)), ct).ConfigureAwait(false);
    }
}
