namespace Twin.Service.Ingest;

/// <summary>
/// The store (spool full, disk full, a write error) or the checkpoint could not take a batch now; nothing new of it
/// counts as stored. The HTTP ingest answers 503 with <see cref="RetryAfter"/>.
/// </summary>
public sealed class StoreUnavailableException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="retryAfter">When to try again.</param>
    /// <param name="inner">The store's exception.</param>
    public StoreUnavailableException(string message, TimeSpan retryAfter, Exception inner) : base(message, inner) => RetryAfter = retryAfter;

    /// <summary>When to try again.</summary>
    public TimeSpan RetryAfter { get; }
}
