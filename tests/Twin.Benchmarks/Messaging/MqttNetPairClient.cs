using System.Buffers;
using System.Buffers.Binary;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Twin.Benchmarks.Messaging;

/// <summary>
/// The MQTTnet 5 client in the paired benchmark, with the reconnect handling a careful user adds because MQTTnet 5
/// has none: when a connection that was up drops, connect again every 200 ms until the broker accepts, subscribe again
/// when the broker lost the session, and publish again what failed for want of a connection.
/// </summary>
internal sealed class MqttNetPairClient : IPairClient
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;
    private readonly List<string> _topics = [];
    private readonly object _gate = new();
    private TaskCompletionSource _connected = NewSignal();
    private Action<int>? _received;
    private int _reconnecting;
    private volatile bool _disposed;

    /// <summary>Creates the client (MQTT 5, Receive Maximum 1000 like this product's client in the benchmark).</summary>
    /// <param name="host">Broker address.</param>
    /// <param name="port">Broker port.</param>
    /// <param name="clientId">Client identifier.</param>
    /// <param name="persistent">Clean Start 0 and a 300 s session, so the broker keeps the session over a restart.</param>
    public MqttNetPairClient(string host, int port, string clientId, bool persistent)
    {
        var builder = new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithReceiveMaximum(1000);
        if (persistent) builder = builder.WithCleanStart(false).WithSessionExpiryInterval(300);
        _options = builder.Build();
        _client.ConnectedAsync += _ =>
        {
            lock (_gate) _connected.TrySetResult();
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += e =>
        {
            lock (_gate) if (_connected.Task.IsCompleted) _connected = NewSignal();
            if (e.ClientWasConnected) LastError = $"{e.Reason} {e.ReasonString} {e.Exception?.GetBaseException().Message}".Trim();
            if (e.ClientWasConnected && !_disposed) _ = Task.Run(ReconnectAsync);
            return Task.CompletedTask;
        };
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _received?.Invoke(Sequence(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
    }

    /// <inheritdoc/>
    public string? LastError { get; private set; }

    /// <inheritdoc/>
    public Task ConnectAsync() => _client.ConnectAsync(_options);

    /// <inheritdoc/>
    public async Task SubscribeAsync(string topic, Action<int> received)
    {
        _received = received;
        lock (_topics) _topics.Add(topic);
        await SubscribeCoreAsync(topic);
    }

    private async Task SubscribeCoreAsync(string topic)
    {
        var result = await _client.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        var code = result.Items.First().ResultCode;
        if (code > MqttClientSubscribeResultCode.GrantedQoS2)
            throw new InvalidOperationException($"MQTTnet subscription to {topic} refused: {code}");
    }

    /// <inheritdoc/>
    public Task PublishAsync(string topic, byte[] payload, bool atLeastOnce) => _client.PublishAsync(Message(topic, payload, atLeastOnce));

    /// <inheritdoc/>
    public bool Succeeded(Task publication) => publication is Task<MqttClientPublishResult> { IsCompletedSuccessfully: true, Result.IsSuccess: true };

    /// <inheritdoc/>
    public async Task<bool> PublishUntilAcceptedAsync(string topic, byte[] payload, TimeSpan giveUpAfter)
    {
        long deadline = Environment.TickCount64 + (long)giveUpAfter.TotalMilliseconds;
        while (!_disposed)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0) return false;
            Task connected;
            lock (_gate) connected = _connected.Task;
            try
            {
                await connected.WaitAsync(TimeSpan.FromMilliseconds(left));
                var result = await _client.PublishAsync(Message(topic, payload, true));
                return result.IsSuccess;
            }
            catch (TimeoutException)
            {
                return false;
            }
            catch (Exception)
            {
                // The connection went before the PUBACK came: wait for the reconnect, then publish again.
                await Task.Delay(50);
            }
        }
        return false;
    }

    private async Task ReconnectAsync()
    {
        if (Interlocked.Exchange(ref _reconnecting, 1) != 0) return;
        try
        {
            while (!_disposed && !_client.IsConnected)
            {
                try
                {
                    var result = await _client.ConnectAsync(_options);
                    if (result.IsSessionPresent) continue;
                    string[] topics;
                    lock (_topics) topics = [.. _topics];
                    foreach (var topic in topics) await SubscribeCoreAsync(topic);
                }
                catch (Exception) when (!_disposed)
                {
                    await Task.Delay(200);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _reconnecting, 0);
        }
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload, bool atLeastOnce) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(payload),
        QualityOfServiceLevel = atLeastOnce ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce,
    };

    private static int Sequence(ReadOnlySequence<byte> payload)
    {
        if (payload.FirstSpan.Length >= 4) return BinaryPrimitives.ReadInt32LittleEndian(payload.FirstSpan);
        Span<byte> head = stackalloc byte[4];
        payload.Slice(0, 4).CopyTo(head);
        return BinaryPrimitives.ReadInt32LittleEndian(head);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }
        catch (Exception)
        {
            // already gone
        }
        _client.Dispose();
    }
}
