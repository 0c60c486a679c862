namespace Twin.Service.Hosting;

/// <summary>
/// How far the service got in starting to ingest: with a broker, subscribing waits for the broker, so the API
/// answers before (health degraded, "waiting for the broker"). A failure that retrying cannot fix (e.g. the broker
/// refused the service's credentials) stops the service; <c>twin serve</c> reads it after shutdown and exits
/// non-zero with the reason.
/// </summary>
public sealed class IngestStartup
{
    private readonly TaskCompletionSource _whenStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _error;
    private volatile bool _started;

    /// <summary>Completes when ingestion runs (<see cref="MarkStarted"/>); faults with the error of <see cref="Fail"/>.</summary>
    public Task WhenStarted => _whenStarted.Task;

    /// <summary>True once every cell's topics are subscribed (acknowledged by the broker) and the service announced itself online.</summary>
    public bool Started => _started;

    /// <summary>The failure that stopped the service, or null.</summary>
    public Exception? Error => Volatile.Read(ref _error);

    /// <summary>Records that ingestion runs.</summary>
    public void MarkStarted()
    {
        _started = true;
        _whenStarted.TrySetResult();
    }

    /// <summary>Records the failure (the first one wins).</summary>
    /// <param name="error">What went wrong.</param>
    public void Fail(Exception error)
    {
        Interlocked.CompareExchange(ref _error, error, null);
        _whenStarted.TrySetException(error);
    }
}
