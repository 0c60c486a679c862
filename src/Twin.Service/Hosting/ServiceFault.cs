namespace Twin.Service.Hosting;

/// <summary>
/// Why the service stopped on its own, if it did: a failure that retrying cannot fix (e.g. the broker refused the
/// service's credentials). <c>twin serve</c> reads it after shutdown and exits non-zero with the reason.
/// </summary>
public sealed class ServiceFault
{
    private Exception? _error;

    /// <summary>The failure that stopped the service, or null after a normal stop.</summary>
    public Exception? Error => Volatile.Read(ref _error);

    /// <summary>Records the failure (the first one wins).</summary>
    /// <param name="error">What went wrong.</param>
    public void Fail(Exception error) => Interlocked.CompareExchange(ref _error, error, null);
}
