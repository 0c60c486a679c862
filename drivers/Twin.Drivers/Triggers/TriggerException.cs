namespace Twin.Drivers.Triggers;

/// <summary>
/// A diffraction acquisition failed: no acknowledgement, an error reported by the instrument, a malformed or
/// mismatched reply, a lost link or a timeout. The message names the endpoint and, when there is one, the pattern id.
/// </summary>
public sealed class TriggerException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="endpoint">Endpoint or folder of the acquisition path.</param>
    /// <param name="patternId">Pattern id concerned, or null when the failure is not about one pattern.</param>
    /// <param name="message">What failed, without endpoint and pattern id.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public TriggerException(string endpoint, string? patternId, string message, Exception? inner = null)
        : base(patternId is null ? $"{endpoint}: {message}" : $"{endpoint}: pattern '{patternId}': {message}", inner)
    {
        Endpoint = endpoint;
        PatternId = patternId;
    }

    /// <summary>Endpoint or folder of the acquisition path.</summary>
    public string Endpoint { get; }

    /// <summary>Pattern id concerned, or null.</summary>
    public string? PatternId { get; }
}
