namespace Twin.Service.Api;

/// <summary>
/// A memory budget for telemetry requests in flight: each request reserves its body size (at least
/// <see cref="MinimumPerRequest"/> for its buffers) before it is read and releases it when answered; a request that
/// would exceed the budget is refused with 503 and Retry-After instead of being buffered. Thread-safe.
/// </summary>
/// <param name="limitBytes">The budget, bytes (&gt; 0).</param>
public sealed class InFlightBudget(long limitBytes)
{
    /// <summary>The default budget: 16 MiB of request bodies (four of the largest messages, or a thousand small ones).</summary>
    public const long DefaultBytes = 16L << 20;

    /// <summary>What a request reserves at least, bytes: 16 KiB (Kestrel's and the parser's buffers).</summary>
    public const long MinimumPerRequest = 16L << 10;

    private long _used;

    /// <summary>The budget, bytes.</summary>
    public long LimitBytes { get; } = limitBytes > 0 ? limitBytes : throw new ArgumentOutOfRangeException(nameof(limitBytes), limitBytes, "the budget must be positive");

    /// <summary>Bytes reserved now.</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    /// <summary>Reserves room for a request.</summary>
    /// <param name="bytes">Its body size, or the largest allowed when unknown.</param>
    /// <returns>The bytes reserved (pass them to <see cref="Release"/>), or 0 when the budget is exhausted.</returns>
    public long TryReserve(long bytes)
    {
        long want = Math.Max(bytes, MinimumPerRequest);
        while (true)
        {
            long used = Interlocked.Read(ref _used);
            if (used + want > LimitBytes) return 0;
            if (Interlocked.CompareExchange(ref _used, used + want, used) == used) return want;
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> returned.</summary>
    /// <param name="reserved">The bytes reserved.</param>
    public void Release(long reserved) => Interlocked.Add(ref _used, -reserved);
}
