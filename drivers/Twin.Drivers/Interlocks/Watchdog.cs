namespace Twin.Drivers.Interlocks;

/// <summary>
/// Watches the twin's heartbeat (its state messages) and the bus: expired when nothing was heard for
/// <see cref="Timeout"/> or the bus was reported lost. Thread-safe; time from a <see cref="TimeProvider"/>.
/// </summary>
public sealed class Watchdog
{
    private readonly TimeProvider _time;
    private long _lastFeedTicks;
    private int _busLost;
    private string _lastReason = "no twin heartbeat yet";

    /// <summary>Creates a watchdog that starts fed (the timeout counts from construction).</summary>
    /// <param name="timeout">Longest allowed silence (wall-clock), &gt; 0.</param>
    /// <param name="time">Clock (default: system).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public Watchdog(TimeSpan timeout, TimeProvider? time = null)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "watchdog timeout must be positive");
        Timeout = timeout;
        _time = time ?? TimeProvider.System;
        _lastFeedTicks = _time.GetTimestamp();
    }

    /// <summary>Longest allowed silence.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Records a heartbeat (a twin state message arrived); also clears a bus-lost report.</summary>
    public void Feed()
    {
        Interlocked.Exchange(ref _lastFeedTicks, _time.GetTimestamp());
        Volatile.Write(ref _busLost, 0);
    }

    /// <summary>Starts the silence count afresh (e.g. when the run starts after connecting), keeping a reported loss.</summary>
    public void Restart() => Interlocked.Exchange(ref _lastFeedTicks, _time.GetTimestamp());

    /// <summary>Reports the bus (or the twin's online status) as lost: the watchdog expires at once.</summary>
    /// <param name="reason">What was lost, for the event log.</param>
    public void ReportLost(string reason)
    {
        _lastReason = reason;
        Volatile.Write(ref _busLost, 1);
    }

    /// <summary>Time since the last heartbeat.</summary>
    public TimeSpan Silence => _time.GetElapsedTime(Interlocked.Read(ref _lastFeedTicks));

    /// <summary>Whether the heartbeat is overdue or the bus was reported lost.</summary>
    /// <param name="reason">Why, when expired.</param>
    public bool IsExpired(out string reason)
    {
        if (Volatile.Read(ref _busLost) == 1)
        {
            reason = _lastReason;
            return true;
        }
        var silence = Silence;
        if (silence > Timeout)
        {
            reason = $"no twin heartbeat for {silence.TotalSeconds:0.0} s (watchdog {Timeout.TotalSeconds:0.0} s)";
            return true;
        }
        reason = "";
        return false;
    }
}
