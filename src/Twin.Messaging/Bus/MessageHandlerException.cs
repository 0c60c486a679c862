namespace Twin.Messaging.Bus;

/// <summary>
/// A subscriber's handler failed on a message (or its subscription closed before handling it): the message was not
/// handled and the publisher still owns it. An <see cref="IOException"/>, so publishers that retry on I/O failures
/// retry it.
/// </summary>
public sealed class MessageHandlerException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filter">The subscription's topic filter.</param>
    /// <param name="topic">The message's topic.</param>
    /// <param name="inner">What the handler threw.</param>
    public MessageHandlerException(string filter, string topic, Exception inner)
        : base($"the handler of subscription '{filter}' did not handle the message on '{topic}': {inner.Message}", inner)
    {
        Filter = filter;
        Topic = topic;
    }

    /// <summary>The subscription's topic filter.</summary>
    public string Filter { get; }

    /// <summary>The message's topic.</summary>
    public string Topic { get; }
}
