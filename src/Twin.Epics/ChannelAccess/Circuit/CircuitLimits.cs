namespace Twin.Epics.ChannelAccess.Circuit;

/// <summary>What one client may take of the server before its circuit is closed (a hostile or broken client never affects the others).</summary>
public sealed record CircuitLimits
{
    /// <summary>Largest payload accepted in one message, bytes (default 16,384: EPICS_CA_MAX_ARRAY_BYTES' default; every request here is far smaller).</summary>
    public int MaxPayloadBytes { get; init; } = 16_384;

    /// <summary>Channels one circuit may hold (default 4,096: every PV of 64 cells three times over).</summary>
    public int MaxChannels { get; init; } = 4_096;

    /// <summary>Monitors one circuit may hold (default 8,192).</summary>
    public int MaxSubscriptions { get; init; } = 8_192;

    /// <summary>Reply bytes waiting for a client that does not read them before its circuit is closed (default 1 MiB; monitors do not count: they coalesce).</summary>
    public int MaxQueuedReplyBytes { get; init; } = 1 << 20;

    /// <summary>Longest a circuit may stay silent before it is closed (default 5 min; clients send CA_PROTO_ECHO every 30 s when idle).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
