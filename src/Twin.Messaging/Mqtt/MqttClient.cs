using Microsoft.Extensions.Logging;
using System.Threading.Channels;
using Polly;
using Polly.Retry;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt;

/// <summary>
/// MQTT 5.0 client with MQTT 3.1.1 fallback, implementing <see cref="IMessageBus"/> against a broker such as
/// Mosquitto. Publishes go through a bounded outbox (back-pressure), QoS 1/2 flows are tracked per packet
/// identifier within the broker's Receive Maximum, the connection is kept alive with PINGREQ, and lost connections are
/// re-established with exponential backoff and jitter, resuming the session and re-sending unacknowledged messages.
/// </summary>
/// <remarks>
/// Thread-safe. Typical use: <c>await using var bus = await MqttClient.ConnectNewAsync(MqttClientOptions.Parse(url));</c>
/// </remarks>
public sealed partial class MqttClient : IMessageBus
{
    private readonly MqttClientOptions _options;
    private readonly Channel<OutgoingPublish> _outbox;
    private readonly object _gate = new();
    private readonly Dictionary<ushort, OutgoingPublish> _inflight = [];
    private readonly HashSet<ushort> _inboundQos2 = [];
    private readonly Dictionary<ushort, PendingRequest> _requests = [];
    private readonly Dictionary<string, SubscriptionEntry> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<int, SubscriptionEntry> _subscriptionsById = [];
    private readonly HashSet<string> _pendingUnsubscribes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ResiliencePipeline _reconnectPipeline;
    private readonly ResiliencePipeline _connectPipeline;
    private readonly InboundBudget _inboundBudget;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextSubscriptionId;
    private ushort _lastPacketId;
    private long _sequence;
    private volatile MqttConnection? _connection;
    private MqttProtocolVersion _version;
    private string _clientId;
    private Task? _runTask;
    private int _started;
    private int _disposed;
    private int _state = (int)MqttConnectionState.Disconnected;
    private long _reconnects;
    private long _resent;
    private Exception? _lastError;
    private MqttConnectResult? _connectResult;
    private int _qosDowngradeLogged;

    /// <summary>Creates a client; call <see cref="ConnectAsync"/> to connect.</summary>
    /// <param name="options">Settings.</param>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public MqttClient(MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _version = options.ProtocolVersion;
        _inboundBudget = new InboundBudget(options.MaxInboundBytes);
        _clientId = options.ClientId;
        _outbox = Channel.CreateBounded<OutgoingPublish>(new BoundedChannelOptions(options.OutboxCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _reconnectPipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException || !_lifetime.IsCancellationRequested),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.ReconnectMinDelay,
                MaxDelay = options.ReconnectMaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    Log(LogLevel.Warning, $"reconnect attempt {args.AttemptNumber + 1} to {_options.Host}:{_options.Port} failed: {args.Outcome.Exception?.Message}; next in {args.RetryDelay.TotalMilliseconds:0} ms");
                    return default;
                },
            })
            .Build();
        _connectPipeline = BuildConnectPipeline(options);
    }

    /// <summary>Creates a client and connects it.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="MqttConnectException">The broker refused or could not be reached.</exception>
    public static async Task<MqttClient> ConnectNewAsync(MqttClientOptions options, CancellationToken cancellationToken = default)
    {
        var client = new MqttClient(options);
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The settings.</summary>
    public MqttClientOptions Options => _options;

    /// <summary>Current connection state.</summary>
    public MqttConnectionState State => (MqttConnectionState)Volatile.Read(ref _state);

    /// <summary>True while connected.</summary>
    public bool IsConnected => State == MqttConnectionState.Connected;

    /// <summary>Successful automatic reconnections since <see cref="ConnectAsync"/> (a metric).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>QoS 1/2 publications re-sent (DUP) or re-published after reconnects (a metric).</summary>
    public long ResentPublications => Interlocked.Read(ref _resent);

    /// <summary>Unacknowledged QoS 1/2 publications.</summary>
    public int InflightCount
    {
        get { lock (_gate) return _inflight.Count; }
    }

    /// <summary>Bytes of received messages queued for or being handled by subscription handlers (bounded by <see cref="MqttClientOptions.MaxInboundBytes"/>).</summary>
    public long InboundBytes => _inboundBudget.Used;

    /// <summary>Messages waiting in the outbox.</summary>
    public int OutboxCount => _outbox.Reader.Count;

    /// <summary>Protocol version in use (MQTT 3.1.1 after a fallback).</summary>
    public MqttProtocolVersion ProtocolVersion => _version;

    /// <summary>Client identifier in use (the broker-assigned one if the options left it empty).</summary>
    public string ClientId => _clientId;

    /// <summary>What the latest CONNACK granted, or null before the first connection.</summary>
    public MqttConnectResult? ConnectResult => _connectResult;

    /// <summary>The latest connection error (lost connection, protocol violation, refused reconnect), or null.</summary>
    public Exception? LastError => _lastError;

    /// <summary>
    /// Raised on every state change, with the error that caused it. Runs on the client's connection task: keep
    /// handlers short; exceptions they throw are logged and ignored.
    /// </summary>
    public event EventHandler<MqttConnectionStateChangedEventArgs>? ConnectionStateChanged;

    /// <summary>
    /// Connects (TCP, TLS, CONNECT/CONNACK, with the MQTT 3.1.1 fallback) and starts the background connection task
    /// that keeps the connection alive and reconnects after failures. Call once.
    /// </summary>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>What the broker granted.</returns>
    /// <exception cref="MqttConnectException">The broker refused (reason code in the message) or could not be reached.</exception>
    /// <exception cref="InvalidOperationException">Already called.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public async Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.CompareExchange(ref _started, 1, 0) != 0)
            throw new InvalidOperationException("ConnectAsync was already called on this client");
        SetState(MqttConnectionState.Connecting, null);
        MqttConnection connection;
        try
        {
            connection = await EstablishAsync(_options.CleanStart, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _lastError = ex;
            Volatile.Write(ref _started, 0);
            SetState(MqttConnectionState.Disconnected, ex);
            throw;
        }
        var work = Activate(connection);
        _runTask = Task.Run(() => RunAsync(connection, work), CancellationToken.None);
        return connection.Result;
    }

    /// <summary>Completes when the client is (next) connected; never when it is disposed.</summary>
    private Task ConnectedAsync()
    {
        lock (_gate) return _connected.Task;
    }

    /// <summary>
    /// Like <see cref="ConnectAsync"/>, but a broker that cannot be reached, closes the connection or refuses it for a
    /// reason that may pass (server unavailable, busy, quota) is tried again with exponential backoff and jitter
    /// (<see cref="MqttClientOptions.ReconnectMinDelay"/> to <see cref="MqttClientOptions.ReconnectMaxDelay"/>) until it
    /// accepts. Meanwhile <see cref="State"/> is <see cref="MqttConnectionState.Connecting"/> and <see cref="LastError"/>
    /// says why the last attempt failed. Subscriptions and publications made meanwhile go out once connected.
    /// </summary>
    /// <param name="cancellationToken">Stops trying.</param>
    /// <returns>What the broker granted.</returns>
    /// <exception cref="MqttConnectException">The broker refused the connection for a reason retrying cannot fix by
    /// itself (bad user name or password, not authorized, banned, client identifier not valid, bad authentication
    /// method), unless <see cref="MqttClientOptions.RetryRefusedConnect"/> is set; the message names the reason.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before a connection was made.</exception>
    /// <exception cref="InvalidOperationException">Already connected or connecting.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public async Task<MqttConnectResult> ConnectWithRetryAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        try
        {
            return await _connectPipeline.ExecuteAsync(static async (client, ct) => await client.ConnectAsync(ct).ConfigureAwait(false), this, linked.Token)
                .ConfigureAwait(false);
        }
        catch (MqttConnectException ex) when (IsPermanent(ex))
        {
            Log(LogLevel.Warning, $"not retrying: {ex.Message}");
            throw;
        }
    }

    /// <summary>Retries the first connection until the broker accepts it (see <see cref="ConnectWithRetryAsync"/>).</summary>
    private ResiliencePipeline BuildConnectPipeline(MqttClientOptions options) =>
        new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex switch
                {
                    OperationCanceledException or ObjectDisposedException or InvalidOperationException => false,
                    MqttConnectException ce when IsPermanent(ce) => options.RetryRefusedConnect,
                    _ => true,
                }),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.ReconnectMinDelay,
                MaxDelay = options.ReconnectMaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    SetState(MqttConnectionState.Connecting, args.Outcome.Exception);
                    Log(LogLevel.Warning, $"connect attempt {args.AttemptNumber + 1} to {options.Host}:{options.Port} failed: {args.Outcome.Exception?.Message}; next in {args.RetryDelay.TotalMilliseconds:0} ms");
                    return default;
                },
            })
            .Build();

    /// <summary>
    /// CONNACK reasons that mean "this client may not connect like this" rather than "not now" (MQTT 5.0 §3.2.2.2).
    /// </summary>
    private static bool IsPermanent(MqttConnectException ex) => ex.ReasonCode is MqttReasonCode.BadUserNameOrPassword or MqttReasonCode.NotAuthorized
        or MqttReasonCode.Banned or MqttReasonCode.ClientIdentifierNotValid or MqttReasonCode.BadAuthenticationMethod;

    private void Log(LogLevel level, string message)
    {
        var logger = _options.Logger;
        if (logger is null || !logger.IsEnabled(level)) return;
        try { logger.Log(level, "mqtt {ClientId}: {Message}", _clientId, message); } catch (Exception) { }
    }

    /// <summary>The sink of the internal parts (handlers, acknowledgement sequencer): their lines are warnings.</summary>
    private void Log(string message) => Log(LogLevel.Warning, message);

    private void SetState(MqttConnectionState next, Exception? error)
    {
        int prev;
        do
        {
            prev = Volatile.Read(ref _state);
            if (prev == (int)MqttConnectionState.Disposed || prev == (int)next) return;
        } while (Interlocked.CompareExchange(ref _state, (int)next, prev) != prev);
        lock (_gate)
        {
            if (next == MqttConnectionState.Connected) _connected.TrySetResult();
            else if (_connected.Task.IsCompleted) _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        Log(LogLevel.Information, $"{(MqttConnectionState)prev} -> {next}{(error is null ? "" : ": " + error.Message)}");
        try
        {
            ConnectionStateChanged?.Invoke(this, new MqttConnectionStateChangedEventArgs((MqttConnectionState)prev, next, error));
        }
        catch (Exception ex)
        {
            Log(LogLevel.Warning, $"ConnectionStateChanged handler threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// Publishes within <see cref="MqttClientOptions.DrainTimeout"/> what is queued or unacknowledged, sends
    /// DISCONNECT (0x00: the broker discards the will), closes the connection, stops reconnecting, fails publications
    /// still pending with <see cref="ObjectDisposedException"/> and stops the subscription handlers.
    /// </summary>
    /// <returns>A task completing when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _outbox.Writer.TryComplete();
        var connection = _connection;
        if (connection is not null && State == MqttConnectionState.Connected)
        {
            var time = _options.TimeProvider;
            long started = time.GetTimestamp();
            while (time.GetElapsedTime(started) < _options.DrainTimeout && _connection == connection && (_outbox.Reader.Count > 0 || InflightCount > 0))
                await Task.Delay(TimeSpan.FromMilliseconds(5), time).ConfigureAwait(false);
            await connection.TrySendFinalAsync(new Packets.DisconnectPacket { ReasonCode = MqttReasonCode.Success }, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        _lifetime.Cancel();
        connection?.Cancel();
        if (_runTask is not null)
        {
            try { await _runTask.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
            catch (Exception ex) { Log(LogLevel.Warning, $"connection task ended with {ex.GetType().Name}: {ex.Message}"); }
        }
        var disposed = new ObjectDisposedException(nameof(MqttClient), "the MQTT client was disposed before the message was acknowledged");
        int lost = 0;
        while (_outbox.Reader.TryRead(out var queued)) { queued.Fail(disposed); lost++; }
        List<SubscriptionHandler> handlers = [];
        lock (_gate)
        {
            foreach (var op in _inflight.Values) { op.Fail(disposed); lost++; }
            _inflight.Clear();
            foreach (var request in _requests.Values) request.Unsubscribed?.TrySetException(disposed);
            _requests.Clear();
            foreach (var entry in _subscriptions.Values)
            {
                foreach (var waiter in entry.Waiters) waiter.TrySetException(disposed);
                handlers.AddRange(entry.Handlers);
            }
            _subscriptions.Clear();
            _subscriptionsById.Clear();
        }
        if (lost > 0) Log(LogLevel.Warning, $"{lost} publication(s) not acknowledged at dispose");
        foreach (var h in handlers) h.Stop();
        SetState(MqttConnectionState.Disposed, null);
    }
}
