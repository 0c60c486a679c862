namespace Twin.Drivers.Instruments;

/// <summary>The instrument is not what the configuration expects, or a reply cannot be interpreted. The message names the endpoint.</summary>
public sealed class InstrumentException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="endpoint">Instrument endpoint.</param>
    /// <param name="message">What is wrong, without the endpoint.</param>
    /// <param name="inner">Underlying error, if any.</param>
    public InstrumentException(string endpoint, string message, Exception? inner = null) : base($"{endpoint}: {message}", inner) => Endpoint = endpoint;

    /// <summary>The endpoint of the instrument.</summary>
    public string Endpoint { get; }
}
