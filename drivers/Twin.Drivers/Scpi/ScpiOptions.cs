namespace Twin.Drivers.Scpi;

/// <summary>Settings of a <see cref="ScpiSession"/>.</summary>
public sealed record ScpiOptions
{
    /// <summary>Appended to every command; default "\n" (IEEE 488.2 program message terminator NL).</summary>
    public string WriteTerminator { get; init; } = "\n";

    /// <summary>Ends every reply line; default "\n" (a "\r" before it is dropped).</summary>
    public string ReadTerminator { get; init; } = "\n";

    /// <summary>How long one exchange (send and, for a query, the complete reply) may take; default 2 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts to re-open a lost link before giving up (0 = never reconnect); default 3.</summary>
    public int ReconnectAttempts { get; init; } = 3;

    /// <summary>Delay before the second reconnect attempt, doubled for each further one; default 200 ms.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The clock of the exchange timeouts and the reconnect delays (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Entries kept in <see cref="ScpiSession.Log"/>; default 1000.</summary>
    public int LogCapacity { get; init; } = 1000;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">Empty terminator, non-positive timeout or capacity, negative attempts or delay.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(WriteTerminator)) throw new ArgumentException("write terminator is empty", nameof(WriteTerminator));
        if (string.IsNullOrEmpty(ReadTerminator)) throw new ArgumentException("read terminator is empty", nameof(ReadTerminator));
        if (Timeout <= TimeSpan.Zero) throw new ArgumentException($"timeout must be positive, not {Timeout}", nameof(Timeout));
        if (ReconnectAttempts < 0) throw new ArgumentException($"reconnect attempts must be ≥ 0, not {ReconnectAttempts}", nameof(ReconnectAttempts));
        if (ReconnectDelay < TimeSpan.Zero) throw new ArgumentException($"reconnect delay must be ≥ 0, not {ReconnectDelay}", nameof(ReconnectDelay));
        if (Time is null) throw new ArgumentException("time provider must not be null", nameof(Time));
        if (LogCapacity < 1) throw new ArgumentException($"log capacity must be ≥ 1, not {LogCapacity}", nameof(LogCapacity));
    }
}
