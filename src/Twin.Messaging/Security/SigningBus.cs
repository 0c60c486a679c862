using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;

namespace Twin.Messaging.Security;

/// <summary>
/// A bus that signs what it publishes on chosen topics (<see cref="MessageSigner"/>) and passes everything else —
/// other publications, subscriptions — to the bus it wraps. Disposing it disposes the inner bus.
/// </summary>
public sealed class SigningBus : IMessageBus
{
    private readonly IMessageBus _inner;
    private readonly Func<string, bool> _signs;

    /// <summary>Wraps a bus.</summary>
    /// <param name="inner">The bus that carries the messages.</param>
    /// <param name="signer">Signs the chosen publications.</param>
    /// <param name="signs">Which topics to sign (e.g. <see cref="TwinServiceTopics"/>).</param>
    public SigningBus(IMessageBus inner, MessageSigner signer, Func<string, bool> signs)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(signs);
        _inner = inner;
        Signer = signer;
        _signs = signs;
    }

    /// <summary>The signer.</summary>
    public MessageSigner Signer { get; }

    /// <summary>The wrapped bus.</summary>
    public IMessageBus Inner => _inner;

    /// <summary>
    /// The topics the twin service signs: <c>…/state</c>, <c>…/alarm</c>, <c>…/status/{client}</c> and <c>…/cmd/{verb}</c>
    /// of the <c>twin/v1</c> tree (README.md, "Topics and payloads").
    /// </summary>
    /// <param name="topic">A topic name.</param>
    /// <returns>True for those kinds of topic.</returns>
    public static bool TwinServiceTopics(string topic) =>
        TwinTopics.TryParse(topic, out var t) && t.Kind is TopicKind.State or TopicKind.Alarm or TopicKind.Status or TopicKind.Command;

    /// <inheritdoc />
    public ValueTask PublishAsync(BusMessage message, CancellationToken cancellationToken = default) =>
        _inner.PublishAsync(_signs(message.Topic) ? Signer.Sign(message) : message, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> SubscribeAsync(string topicFilter, QualityOfService qos, Func<BusMessage, CancellationToken, ValueTask> handler,
        CancellationToken cancellationToken = default) =>
        _inner.SubscribeAsync(topicFilter, qos, handler, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> SubscribeBatchAsync(string topicFilter, QualityOfService qos, Func<IReadOnlyList<BusMessage>, CancellationToken, ValueTask> handler,
        int maxBatch, CancellationToken cancellationToken = default) =>
        _inner.SubscribeBatchAsync(topicFilter, qos, handler, maxBatch, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
