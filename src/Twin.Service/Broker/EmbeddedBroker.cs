using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Twin.Messaging.Bus;

namespace Twin.Service.Broker;

/// <summary>
/// The MQTT broker inside <c>twin serve</c> (MQTTnet.Server): stock clients (<c>mosquitto_pub</c>/<c>mosquitto_sub</c>,
/// instrument PCs, the product's own drivers) use the service with no broker installed, on the topic contract of
/// README.md "Topics and payloads". It keeps the product's promises where an in-memory broker alone would not:
/// <list type="bullet">
/// <item>Telemetry and patterns of the experiment's cells are handed to the twin before the broker answers PUBACK, and
/// the answer waits until they are stored (the same path as HTTP's 202): a publication the broker acknowledged is on
/// disk, whatever happens to the process next. A publication the store cannot take now closes the publisher's
/// connection without PUBACK, so the publisher sends it again when it reconnects.</item>
/// <item>Until the twin has started, only the service's own clients may connect (others get "server unavailable" and
/// retry), so nothing is published before the twin can take it.</item>
/// <item>Who may publish what follows <see cref="BrokerAccess"/>; retained messages outlive a restart
/// (<see cref="RetainedStore"/>).</item>
/// </list>
/// </summary>
public sealed class EmbeddedBroker : IHostedService, IAsyncDisposable
{
    private const string ClientKey = "twin.client";
    private readonly BrokerListen _listen;
    private readonly BrokerAccess _access;
    private readonly RetainedStore _retained;
    private readonly IReadOnlySet<string> _serviceClientIds;
    private readonly Func<bool> _ready;
    private readonly Func<string, BusMessage, CancellationToken, Task<bool>> _ingest;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private MqttServer? _server;
    private Task? _flusher;

    /// <summary>Creates the broker (not started).</summary>
    /// <param name="listen">Address and port to listen on.</param>
    /// <param name="access">Who may connect and publish.</param>
    /// <param name="retained">Where retained messages are kept.</param>
    /// <param name="serviceClientIds">Client ids only the service may use (a client taking one over would cut the service's session).</param>
    /// <param name="ready">True once the twin takes telemetry; until then other clients are turned away.</param>
    /// <param name="ingest">Stores a publication when it is telemetry or a pattern of a configured cell: true when it was
    /// (completes once stored or rejected for good), false for any other topic; throws when it could not be stored now.</param>
    /// <param name="log">Logger.</param>
    /// <param name="time">Clock of the retained store's flushes; the system clock when null.</param>
    public EmbeddedBroker(BrokerListen listen, BrokerAccess access, RetainedStore retained, IReadOnlySet<string> serviceClientIds, Func<bool> ready,
        Func<string, BusMessage, CancellationToken, Task<bool>> ingest, ILogger log, TimeProvider? time = null)
    {
        _listen = listen ?? throw new ArgumentNullException(nameof(listen));
        _access = access ?? throw new ArgumentNullException(nameof(access));
        _retained = retained ?? throw new ArgumentNullException(nameof(retained));
        _serviceClientIds = serviceClientIds;
        _ready = ready;
        _ingest = ingest;
        _log = log;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Where it listens.</summary>
    public BrokerListen Listen => _listen;

    /// <summary>Connections refused (bad credentials, reserved client id, or before the twin started).</summary>
    public long RefusedConnections => Interlocked.Read(ref _refused);
    private long _refused;

    /// <summary>Publications refused by <see cref="BrokerAccess.MayPublish"/>.</summary>
    public long RefusedPublications => Interlocked.Read(ref _refusedPublications);
    private long _refusedPublications;

    /// <summary>Starts listening.</summary>
    /// <param name="cancellationToken">Not used (binding is immediate).</param>
    /// <returns>A task that completes when the listener is bound.</returns>
    /// <exception cref="IOException">The address cannot be bound (e.g. another broker holds the port); the message says what to do.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttServerFactory().CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(_listen.Port)
            // Sessions of clients that connect with clean start off keep their subscriptions and queued QoS 1 messages
            // while they reconnect (for the life of the process).
            .WithPersistentSessions(true)
            // What the broker queues for one slow subscriber before it drops the oldest: 100 s of 1,000 cells at 10 Hz,
            // as the Mosquitto set-up in README.md (a modelling choice of capacity, not a measured need).
            .WithMaxPendingMessagesPerClient(1_000_000);
        builder = _listen.Address.AddressFamily == AddressFamily.InterNetworkV6
            ? builder.WithDefaultEndpointBoundIPV6Address(_listen.Address).WithDefaultEndpointBoundIPAddress(IPAddress.None)
            : builder.WithDefaultEndpointBoundIPAddress(_listen.Address).WithDefaultEndpointBoundIPV6Address(IPAddress.None);
        var server = new MqttServerFactory().CreateMqttServer(builder.Build());
        server.ValidatingConnectionAsync += ValidateAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.LoadingRetainedMessageAsync += e =>
        {
            e.LoadedRetainedMessages.AddRange(_retained.Load());
            return Task.CompletedTask;
        };
        server.RetainedMessageChangedAsync += e =>
        {
            _retained.Changed(e.ChangedRetainedMessage);
            return Task.CompletedTask;
        };
        server.RetainedMessagesClearedAsync += _ =>
        {
            _retained.Cleared();
            return Task.CompletedTask;
        };
        try
        {
            await server.StartAsync().ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            server.Dispose();
            throw new IOException(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"--mqtt-listen {_listen}: the port is in use (another MQTT broker?); give the embedded broker another port with "
                  + $"--mqtt-listen ADDR:PORT or switch it off with --mqtt-listen none (twin serve and twin drive can use that broker instead: --mqtt mqtt://{_listen})"
                : $"--mqtt-listen {_listen}: cannot listen there ({e.Message})", e);
        }
        _server = server;
        _flusher = FlushLoopAsync(_stop.Token);
        _log.LogInformation("embedded MQTT broker listening on {Endpoint} ({Retained} retained message(s) from {Path}){Loopback}", _listen,
            _retained.Count, _retained.FilePath, _listen.IsLoopback ? "" : "; reachable from the network: clients need an API token or a user of the experiment file");
    }

    /// <summary>Stops listening (clients are disconnected) and writes the retained messages.</summary>
    /// <param name="cancellationToken">Not used.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not { } server) return;
        _server = null;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_flusher is not null) await _flusher.ConfigureAwait(false);
        try
        {
            await server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        }
        finally
        {
            server.Dispose();
            FlushRetained();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    private Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        // An empty client id asks the server to assign one (MQTT 5.0 §3.1.3.1; MQTT 3.1.1 §3.1.3.1 with clean session).
        if (string.IsNullOrEmpty(e.ClientId)) e.AssignedClientIdentifier = "auto-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var client = _access.Authenticate(e.UserName, e.RawPassword);
        MqttConnectReasonCode? refusal = null;
        string reason = "";
        if (client is null)
            (refusal, reason) = string.IsNullOrEmpty(e.UserName)
                ? (MqttConnectReasonCode.NotAuthorized, "this broker needs a user name and password (an API token or a user of the experiment file)")
                : (MqttConnectReasonCode.BadUserNameOrPassword, $"user '{e.UserName}': wrong or unknown credentials");
        else if (client.Kind != BrokerClientKind.Service && _serviceClientIds.Contains(e.ClientId))
            (refusal, reason) = (MqttConnectReasonCode.ClientIdentifierNotValid, $"client id '{e.ClientId}' is the twin service's own");
        else if (client.Kind != BrokerClientKind.Service && !_ready())
            (refusal, reason) = (MqttConnectReasonCode.ServerUnavailable, "the twin service is starting; try again shortly");
        if (refusal is { } code)
        {
            Interlocked.Increment(ref _refused);
            e.ReasonCode = code;
            e.ReasonString = reason;
            _log.LogWarning("MQTT connection of client '{ClientId}' from {Endpoint} refused: {Reason}", e.ClientId, e.RemoteEndPoint, reason);
            return Task.CompletedTask;
        }
        e.SessionItems[ClientKey] = client!;
        return Task.CompletedTask;
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (e.SessionItems?[ClientKey] is not BrokerClient client)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            return;
        }
        if (BrokerAccess.MayPublish(client, e.ClientId, message.Topic) is { } denied)
        {
            Interlocked.Increment(ref _refusedPublications);
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            e.Response.ReasonString = denied;
            _log.LogWarning("MQTT publication of client '{ClientId}' to {Topic} refused: {Reason}", e.ClientId, message.Topic, denied);
            return;
        }
        try
        {
            await _ingest(message.Topic, BrokerMessages.ToBus(message), e.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not stored: no PUBACK; the connection closes and the publisher sends it again after reconnecting.
            e.ProcessPublish = false;
            e.CloseConnection = true;
            _log.LogWarning("MQTT publication of client '{ClientId}' to {Topic} not stored ({Error}); closing its connection so that it sends again",
                e.ClientId, message.Topic, ex.Message);
        }
    }

    private async Task FlushLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RetainedStore.FlushInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) FlushRetained();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void FlushRetained()
    {
        try
        {
            _retained.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogError("retained messages could not be written to {Path}: {Error} (kept in memory, tried again)", _retained.FilePath, e.Message);
        }
    }
}
