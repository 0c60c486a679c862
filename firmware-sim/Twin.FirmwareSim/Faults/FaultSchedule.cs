using Twin.FirmwareSim.Net;

namespace Twin.FirmwareSim.Faults;

/// <summary>
/// Runs one link fault on a schedule, for rehearsing a lost instrument link: it starts <c>after</c> the first line the
/// line server received (the driver's first command: it is connected and running) and ends after <c>duration</c>, or never. Each switch is
/// reported through a callback.
/// </summary>
public sealed class FaultSchedule : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private FaultSchedule(LineServer server, LinkFault fault, TimeSpan after, TimeSpan? duration, TimeProvider time, Action<string> report)
    {
        _run = RunAsync(server, fault, after, duration, time, report, _stop.Token);
    }

    /// <summary>Starts the schedule.</summary>
    /// <param name="server">The link's line server (its <see cref="LineServer.Faults"/> are switched).</param>
    /// <param name="fault">The fault.</param>
    /// <param name="after">Delay from the first line received to the start of the fault (≥ 0).</param>
    /// <param name="duration">How long the fault lasts; null: until disposed (then it stays on).</param>
    /// <param name="time">Clock for the delays.</param>
    /// <param name="report">Receives one line per switch.</param>
    /// <returns>The running schedule.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Negative delay or non-positive duration.</exception>
    public static FaultSchedule Start(LineServer server, LinkFault fault, TimeSpan after, TimeSpan? duration, TimeProvider time, Action<string> report)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentOutOfRangeException.ThrowIfLessThan(after, TimeSpan.Zero);
        if (duration is { } d) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(d, TimeSpan.Zero, nameof(duration));
        return new FaultSchedule(server, fault, after, duration, time, report);
    }

    /// <summary>Completes when the fault was switched on and, with a duration, off again.</summary>
    public Task Completion => _run;

    private static async Task RunAsync(LineServer server, LinkFault fault, TimeSpan after, TimeSpan? duration, TimeProvider time, Action<string> report, CancellationToken ct)
    {
        await server.FirstLineReceived.WaitAsync(ct).ConfigureAwait(false);
        await Task.Delay(after, time, ct).ConfigureAwait(false);
        server.Faults.Start(fault);
        report($"fault {fault.Name()} on" + (duration is { } d ? $" for {d.TotalSeconds:0.#} s" : " until the simulator stops"));
        if (duration is null || fault == LinkFault.Drop) return;
        await Task.Delay(duration.Value, time, ct).ConfigureAwait(false);
        server.Faults.Stop(fault);
        report($"fault {fault.Name()} off: the link works again");
    }

    /// <summary>Stops the schedule (a fault that is on stays on).</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
