using System.Buffers.Binary;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt;

namespace Twin.Benchmarks.Messaging;

/// <summary>One MQTT client library as the paired benchmark drives it: connect, subscribe, publish, judge an outcome.</summary>
internal interface IPairClient : IAsyncDisposable
{
    /// <summary>Connects to the broker.</summary>
    /// <returns>A task completing when connected.</returns>
    Task ConnectAsync();

    /// <summary>Subscribes at QoS 1 and reports each message's sequence number (its first 4 payload bytes, little-endian).</summary>
    /// <param name="topic">Exact topic.</param>
    /// <param name="received">Called once per delivery.</param>
    /// <returns>A task completing on SUBACK.</returns>
    Task SubscribeAsync(string topic, Action<int> received);

    /// <summary>Starts one publication the way the library offers it; nothing is added around it.</summary>
    /// <param name="topic">Topic.</param>
    /// <param name="payload">Payload (not modified).</param>
    /// <param name="atLeastOnce">QoS 1 rather than QoS 0.</param>
    /// <returns>The library's own task: QoS 0 done when handed over, QoS 1 on PUBACK.</returns>
    Task PublishAsync(string topic, byte[] payload, bool atLeastOnce);

    /// <summary>Whether a completed task of <see cref="PublishAsync"/> means the broker accepted the message.</summary>
    /// <param name="publication">The task.</param>
    /// <returns>True on success.</returns>
    bool Succeeded(Task publication);

    /// <summary>Publishes at QoS 1 until the broker acknowledges, across a lost connection, or until the time is up.</summary>
    /// <param name="topic">Topic.</param>
    /// <param name="payload">Payload.</param>
    /// <param name="giveUpAfter">Longest time to keep trying.</param>
    /// <returns>True when acknowledged.</returns>
    Task<bool> PublishUntilAcceptedAsync(string topic, byte[] payload, TimeSpan giveUpAfter);

    /// <summary>Why the connection was last lost, as the library reports it, or null if it never was.</summary>
    string? LastError { get; }
}

/// <summary>
/// This product's <see cref="MqttClient"/> in the paired benchmark. Its own reconnect and re-sending do the work of
/// <see cref="IPairClient.PublishUntilAcceptedAsync"/>: one awaited <see cref="MqttClient.PublishAsync"/>.
/// </summary>
/// <param name="url">Broker URL (<see cref="MqttClientOptions.Parse"/>).</param>
/// <param name="clientId">Client identifier.</param>
/// <param name="persistent">Clean Start 0 and a 300 s session, so the broker keeps the session over a restart.</param>
internal sealed class TwinPairClient(string url, string clientId, bool persistent) : IPairClient
{
    private readonly MqttClient _client = new(MqttClientOptions.Parse(url) with
    {
        ClientId = clientId,
        CleanStart = !persistent,
        SessionExpiryInterval = persistent ? 300u : 0u,
        ReceiveMaximum = 1000,
    });

    /// <inheritdoc/>
    public Task ConnectAsync() => _client.ConnectAsync();

    /// <inheritdoc/>
    public async Task SubscribeAsync(string topic, Action<int> received) =>
        await _client.SubscribeAsync(topic, QualityOfService.AtLeastOnce, (m, _) =>
        {
            received(BinaryPrimitives.ReadInt32LittleEndian(m.Payload.Span));
            return ValueTask.CompletedTask;
        });

    /// <inheritdoc/>
    public Task PublishAsync(string topic, byte[] payload, bool atLeastOnce) =>
        _client.PublishAsync(new BusMessage(topic, payload, atLeastOnce ? QualityOfService.AtLeastOnce : QualityOfService.AtMostOnce)).AsTask();

    /// <inheritdoc/>
    public bool Succeeded(Task publication) => publication.IsCompletedSuccessfully;

    /// <inheritdoc/>
    public async Task<bool> PublishUntilAcceptedAsync(string topic, byte[] payload, TimeSpan giveUpAfter)
    {
        try
        {
            await PublishAsync(topic, payload, true).WaitAsync(giveUpAfter);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public string? LastError => _client.LastError?.Message;

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
