using Polly.CircuitBreaker;
using Twin.Storage.LineProtocol;

namespace Twin.Storage.Influx;

/// <summary>
/// Sends batches of line protocol to a database. Transient failures are retried inside the writer until the
/// batch is written or the call is cancelled; a batch the database refuses as bad data comes back as
/// <see cref="LineWriteResult.Rejected"/>. Implemented by <see cref="InfluxWriter"/>; used by the spool's drainer.
/// </summary>
public interface ILineProtocolWriter
{
    /// <summary>Writes one batch; calls are not to overlap when order matters.</summary>
    /// <param name="lines">UTF-8 lines, each ending in <c>\n</c>.</param>
    /// <param name="lineCount">Number of lines in <paramref name="lines"/> (for metrics and logs).</param>
    /// <param name="precision">Unit of the timestamps in the lines.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <returns>Written, or rejected with the server's reason (never retried).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the batch was confirmed.</exception>
    ValueTask<LineWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, TimestampPrecision precision, CancellationToken cancellationToken);

    /// <summary>Current health of the writer.</summary>
    LineWriterStatus Status { get; }

    /// <summary>Raised when <see cref="Status"/> changes its circuit state or configuration-error flag.</summary>
    event EventHandler<LineWriterStatus>? StatusChanged;
}

/// <summary>Result of <see cref="ILineProtocolWriter.WriteAsync"/>.</summary>
/// <param name="Written">True when the database confirmed the whole batch (HTTP 2xx).</param>
/// <param name="StatusCode">HTTP status of the final answer.</param>
/// <param name="Reason">The server's error text when rejected (e.g. <c>partial write: field type conflict: …</c>), else null.</param>
public sealed record LineWriteResult(bool Written, int StatusCode, string? Reason)
{
    /// <summary>A confirmed write (204).</summary>
    public static LineWriteResult Ok { get; } = new(true, 204, null);

    /// <summary>True when the database refused the data itself (400, 413, 422): retrying the same lines cannot help.</summary>
    public bool Rejected => !Written;
}

/// <summary>Health of a writer.</summary>
/// <param name="Circuit">State of the circuit breaker (Open: requests are held back after repeated failures).</param>
/// <param name="Retries">Retries since the writer was created.</param>
/// <param name="LastError">Last failure (status and server text or exception), or null after a success.</param>
/// <param name="ConfigurationError">True while the server answers 401/403/404 or another configuration error;
/// such writes are retried slowly and never dropped.</param>
public sealed record LineWriterStatus(CircuitState Circuit, long Retries, string? LastError, bool ConfigurationError)
{
    /// <summary>A healthy writer that has not retried.</summary>
    public static LineWriterStatus Healthy { get; } = new(CircuitState.Closed, 0, null, false);
}
