namespace Twin.Drivers.Transports;

/// <summary>A link to an instrument failed: cannot connect, configure, read or write. The message names the endpoint.</summary>
public sealed class TransportException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="endpoint">The endpoint (see <see cref="ITransport.Endpoint"/>).</param>
    /// <param name="message">What failed, without the endpoint.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public TransportException(string endpoint, string message, Exception? inner = null)
        : base($"{endpoint}: {message}", inner) => Endpoint = endpoint;

    /// <summary>The endpoint that failed.</summary>
    public string Endpoint { get; }
}
