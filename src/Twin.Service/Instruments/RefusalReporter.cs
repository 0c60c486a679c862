using Microsoft.Extensions.Logging;
using Twin.Drivers.Experiment;

namespace Twin.Service.Instruments;

/// <summary>
/// Counts the bus messages a driver refused (unsigned, forged, replayed, stale) and reports them as driver events and
/// log warnings: the first refusal of each kind at once, then at most one event per <see cref="Interval"/> with the
/// number refused in between, so a flood of forged messages cannot flood the event topic. Thread-safe.
/// </summary>
internal sealed class RefusalReporter(Func<RunnerEvent, CancellationToken, ValueTask> emit, Func<int> step, ILogger log, TimeProvider time)
{
    /// <summary>Least time between two events about the same kind of message.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, (long LastTicks, int Suppressed)> _kinds = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _total;

    /// <summary>Messages refused so far.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Counts one refusal and reports it unless one of the same kind was reported within <see cref="Interval"/>.</summary>
    /// <param name="eventKind">Driver event kind (<see cref="RunnerEventKinds.Command"/> or <see cref="RunnerEventKinds.Link"/>).</param>
    /// <param name="what">What was refused, e.g. "twin state".</param>
    /// <param name="topic">Topic it came on.</param>
    /// <param name="why">Why it was refused.</param>
    /// <param name="ct">Cancels publishing the event.</param>
    public async ValueTask ReportAsync(string eventKind, string what, string topic, string why, CancellationToken ct)
    {
        long total = Interlocked.Increment(ref _total);
        int suppressed;
        lock (_gate)
        {
            long now = time.GetTimestamp();
            var (last, count) = _kinds.GetValueOrDefault(what, (long.MinValue, 0));
            if (last != long.MinValue && time.GetElapsedTime(last, now) < Interval)
            {
                _kinds[what] = (last, count + 1);
                return;
            }
            suppressed = count;
            _kinds[what] = (now, 0);
        }
        string text = $"refused {what} on {topic}: {why}" +
            (suppressed > 0 ? $" ({suppressed} more refused since the last report)" : "") + $"; {total} message(s) refused so far";
        log.LogWarning("{Refusal}", text);
        await emit(new RunnerEvent(Twin.Core.Samples.UnixTime.NowNs(), eventKind, step(), text), ct).ConfigureAwait(false);
    }
}
