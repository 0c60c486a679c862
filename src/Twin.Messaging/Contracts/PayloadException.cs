namespace Twin.Messaging.Contracts;

/// <summary>A payload that does not honour its contract; the message names the topic, the item and the field.</summary>
public sealed class PayloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="topic">Topic the payload came on.</param>
    /// <param name="detail">What was wrong and what was expected.</param>
    /// <param name="inner">Parser exception, if any.</param>
    public PayloadException(string topic, string detail, Exception? inner = null) : base($"{topic}: {detail}", inner)
    {
        Topic = topic;
        Detail = detail;
    }

    /// <summary>Topic the payload came on.</summary>
    public string Topic { get; }

    /// <summary>What was wrong.</summary>
    public string Detail { get; }
}
