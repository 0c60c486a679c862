using Microsoft.Extensions.Logging;
using System.Text;
using Twin.Messaging.Bus;
using Twin.Messaging.Mqtt.Codec;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>
    /// Opens a connection and performs CONNECT/CONNACK. Falls back to MQTT 3.1.1 when an MQTT 5 CONNECT is answered
    /// with 0x84 Unsupported Protocol Version or the 3.1.1 return code 1 (MQTT 5.0 §3.1.2.2, MQTT 3.1.1 §3.1.2.2).
    /// </summary>
    private async Task<MqttConnection> EstablishAsync(bool cleanStart, CancellationToken cancellationToken)
    {
        var version = _version;
        while (true)
        {
            var connection = await MqttConnection.OpenAsync(_options, _lifetime.Token, cancellationToken).ConfigureAwait(false);
            try
            {
                connection.SetVersion(version);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.ConnectTimeout);
                ConnAckPacket ack;
                try
                {
                    await connection.SendAsync(BuildConnect(version, cleanStart), timeout.Token).ConfigureAwait(false);
                    var packet = await connection.Reader.ReadPacketAsync(connection.Decoder, timeout.Token).ConfigureAwait(false);
                    if (packet is null)
                        throw new MqttConnectException($"MQTT broker {connection.Endpoint} closed the connection without answering CONNECT");
                    if (packet is not ConnAckPacket connAck)
                        throw new MqttProtocolException(MqttReasonCode.ProtocolError, $"expected CONNACK from {connection.Endpoint}, received {packet}");
                    ack = connAck;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new MqttConnectException($"no CONNACK from MQTT broker {connection.Endpoint} within {_options.ConnectTimeout.TotalSeconds:0.#} s");
                }
                catch (IOException ex)
                {
                    throw new MqttConnectException($"connection to MQTT broker {connection.Endpoint} failed during CONNECT: {ex.Message}", null, ex);
                }

                if (ack.ReasonCode == MqttReasonCode.UnsupportedProtocolVersion && version == MqttProtocolVersion.V500 && _options.AllowProtocolFallback)
                {
                    Log(LogLevel.Information, $"broker {connection.Endpoint} does not support MQTT 5; falling back to MQTT 3.1.1");
                    await connection.DisposeAsync().ConfigureAwait(false);
                    version = MqttProtocolVersion.V311;
                    continue;
                }
                if (ack.ReasonCode != MqttReasonCode.Success)
                {
                    var p = ack.Properties;
                    string detail = p.ReasonString is null ? "" : $" ({p.ReasonString})";
                    string reference = p.ServerReference is null ? "" : $"; server reference: {p.ServerReference}";
                    throw new MqttConnectException(
                        $"MQTT broker {connection.Endpoint} refused the connection: {MqttReasonCodes.Describe(ack.ReasonCode)}{detail}{reference}",
                        ack.ReasonCode, null, p.ServerReference);
                }
                if (ack.IsV311Layout)
                    throw new MqttProtocolException(MqttReasonCode.MalformedPacket, "CONNACK to an MQTT 5 CONNECT has no properties");
                if (ack.Properties.AuthenticationMethod is not null)
                    throw new MqttProtocolException(MqttReasonCode.ProtocolError, "CONNACK carries an authentication method this client did not request (MQTT 5.0 §4.12)");
                if (ack.SessionPresent && cleanStart)
                    throw new MqttProtocolException(MqttReasonCode.ProtocolError, "CONNACK has Session Present = 1 in answer to Clean Start = 1 ([MQTT-3.2.2-2])");
                // Note: a broker-held session found on the first connection (Clean Start = 0) is accepted, so a restarted
                // process resumes its subscriptions and queued messages; [MQTT-4.1.0-1]'s "close" rule is not applied.
                ApplyConnAck(connection, version, ack);
                return connection;
            }
            catch (MqttProtocolException ex)
            {
                if (version == MqttProtocolVersion.V500)
                    await connection.TrySendFinalAsync(new DisconnectPacket { ReasonCode = ex.Code, Properties = ReasonString(ex.Message) }, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new MqttConnectException($"MQTT broker {connection.Endpoint} violated the protocol while connecting: {ex.Message}", ex.Code, ex);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private static MqttProperties ReasonString(string message) =>
        new() { ReasonString = message.Length > 200 ? message[..200] : message };

    private ConnectPacket BuildConnect(MqttProtocolVersion version, bool cleanStart)
    {
        bool v5 = version == MqttProtocolVersion.V500;
        if (!v5 && _clientId.Length == 0)
            _clientId = "twin-" + Guid.NewGuid().ToString("N")[..16];
        var props = new MqttProperties();
        if (v5)
        {
            if (_options.SessionExpiryInterval > 0) props.SessionExpiryInterval = _options.SessionExpiryInterval;
            if (_options.ReceiveMaximum != ushort.MaxValue) props.ReceiveMaximum = _options.ReceiveMaximum;
            props.MaximumPacketSize = (uint)_options.MaximumPacketSize;
            if (_options.TopicAliasMaximum > 0) props.TopicAliasMaximum = _options.TopicAliasMaximum;
            if (_options.RequestProblemInformation is { } rpi) props.RequestProblemInformation = rpi ? (byte)1 : (byte)0;
            if (_options.RequestResponseInformation is { } rri) props.RequestResponseInformation = rri ? (byte)1 : (byte)0;
            if (_options.ConnectUserProperties.Count > 0) props.UserProperties = [.. _options.ConnectUserProperties];
        }
        MqttWill? will = null;
        if (_options.Will is { } w)
        {
            var willProps = v5 ? BuildPublishProperties(w) : new MqttProperties();
            if (v5 && _options.WillDelayInterval > 0)
            {
                if (ReferenceEquals(willProps, MqttProperties.Empty)) willProps = new MqttProperties();
                willProps.WillDelayInterval = _options.WillDelayInterval;
            }
            will = new MqttWill { Topic = w.Topic, Payload = w.Payload, Qos = (byte)w.Qos, Retain = w.Retain, Properties = willProps };
        }
        // MQTT 3.1.1 has no session expiry: Clean Session = 0 keeps the session, so use it only for a persistent session.
        bool clean = v5 ? cleanStart : cleanStart || _options.SessionExpiryInterval == 0;
        return new ConnectPacket
        {
            ProtocolVersion = version,
            ClientId = _clientId,
            CleanStart = clean,
            KeepAliveSeconds = (ushort)_options.KeepAlive.TotalSeconds,
            Username = _options.Username ?? (!v5 && _options.Password is not null ? "" : null),
            Password = _options.Password is null ? null : Encoding.UTF8.GetBytes(_options.Password),
            Will = will,
            Properties = props,
        };
    }

    private void ApplyConnAck(MqttConnection connection, MqttProtocolVersion version, ConnAckPacket ack)
    {
        var p = ack.Properties;
        if (p.AssignedClientIdentifier is { Length: > 0 } assigned)
            _clientId = assigned;
        _version = version;
        var result = new MqttConnectResult
        {
            ProtocolVersion = version,
            SessionPresent = ack.SessionPresent,
            ClientId = _clientId,
            SessionExpiryInterval = p.SessionExpiryInterval ?? (version == MqttProtocolVersion.V500 ? _options.SessionExpiryInterval : 0),
            KeepAliveSeconds = p.ServerKeepAlive ?? (ushort)_options.KeepAlive.TotalSeconds,
            ReceiveMaximum = p.ReceiveMaximum ?? ushort.MaxValue,
            MaximumQos = p.MaximumQos is 0 ? QualityOfService.AtMostOnce : p.MaximumQos is 1 ? QualityOfService.AtLeastOnce : QualityOfService.ExactlyOnce,
            RetainAvailable = p.RetainAvailable != 0,
            MaximumPacketSize = p.MaximumPacketSize,
            TopicAliasMaximum = p.TopicAliasMaximum ?? 0,
            WildcardSubscriptionAvailable = p.WildcardSubscriptionAvailable != 0,
            SubscriptionIdentifiersAvailable = version == MqttProtocolVersion.V500 && p.SubscriptionIdentifierAvailable != 0,
            SharedSubscriptionAvailable = p.SharedSubscriptionAvailable != 0,
            ResponseInformation = p.ResponseInformation,
            ReasonString = p.ReasonString,
            UserProperties = p.UserProperties ?? [],
        };
        connection.Result = result;
        connection.MaxOutgoingPacketSize = p.MaximumPacketSize ?? long.MaxValue;
        _connectResult = result;
    }

    /// <summary>The background connection task: run a connection until it fails, then reconnect with backoff (Polly).</summary>
    private async Task RunAsync(MqttConnection connection, SessionWork work)
    {
        var lifetime = _lifetime.Token;
        while (true)
        {
            var error = await RunConnectionAsync(connection, work).ConfigureAwait(false);
            // After DisposeAsync sent DISCONNECT the broker closes the socket: that is the end, not a failure.
            if (lifetime.IsCancellationRequested || Volatile.Read(ref _disposed) != 0) return;
            _lastError = error;
            bool fatal = error is MqttException { ReasonCode: MqttReasonCode.SessionTakenOver } and not MqttProtocolException;
            if (!_options.AutoReconnect || fatal)
            {
                if (fatal) Log(LogLevel.Warning, "not reconnecting: another connection took over this client identifier's session");
                SetState(MqttConnectionState.Disconnected, error);
                return;
            }
            SetState(MqttConnectionState.Reconnecting, error);
            try
            {
                connection = await _reconnectPipeline.ExecuteAsync(
                    static async (client, token) => await client.EstablishAsync(cleanStart: false, token).ConfigureAwait(false),
                    this, lifetime).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _lastError = ex;
                SetState(MqttConnectionState.Disconnected, ex);
                return;
            }
            Interlocked.Increment(ref _reconnects);
            work = Activate(connection);
        }
    }

    /// <summary>Subscriptions to (re)send and filters to unsubscribe right after connecting.</summary>
    private sealed record SessionWork(List<SubscriptionEntry> Resubscribe, List<string> Unsubscribe);

    /// <summary>
    /// Makes a fresh connection current: reconciles the session state with Session Present, sizes the send window,
    /// and switches the state to Connected.
    /// </summary>
    private SessionWork Activate(MqttConnection connection)
    {
        List<SubscriptionEntry> resubscribe;
        List<string> unsubscribe = [];
        lock (_gate)
        {
            bool sessionPresent = connection.Result.SessionPresent;
            if (!sessionPresent)
            {
                // MQTT 5.0 §3.2.2.1.1: no session at the broker, so discard our session state ([MQTT-3.2.2-5])...
                _inboundQos2.Clear();
                _pendingUnsubscribes.Clear();
                foreach (var entry in _subscriptions.Values) entry.Confirmed = false;
                // ...but keep the application messages: unacknowledged ones are published again as new messages.
                foreach (var op in _inflight.Values) op.Stage = PublishStage.AwaitingAck;
            }
            else
            {
                unsubscribe.AddRange(_pendingUnsubscribes.Where(f => !_subscriptions.ContainsKey(f)));
                _pendingUnsubscribes.Clear();
            }
            resubscribe = _subscriptions.Values.Where(e => !e.Confirmed || e.SentVersion != e.Version).ToList();
            connection.Window = new SendWindow(Math.Min(connection.Result.ReceiveMaximum, _options.MaxInflight), _inflight.Count);
            _connection = connection;
        }
        SetState(MqttConnectionState.Connected, null);
        Log(LogLevel.Information, $"connected to {connection.Endpoint} with MQTT {(connection.Version == MqttProtocolVersion.V500 ? "5" : "3.1.1")}, session present {connection.Result.SessionPresent}, receive maximum {connection.Result.ReceiveMaximum}, keep alive {connection.Result.KeepAliveSeconds} s");
        return new SessionWork(resubscribe, unsubscribe);
    }

    /// <summary>Runs one connection (reader, sender, keep-alive) until one of them ends; returns why it ended.</summary>
    private async Task<Exception?> RunConnectionAsync(MqttConnection connection, SessionWork work)
    {
        var reader = Task.Run(() => ReadLoopAsync(connection), CancellationToken.None);
        var sender = Task.Run(() => SendLoopAsync(connection, work.Resubscribe, work.Unsubscribe), CancellationToken.None);
        var keepAlive = Task.Run(() => KeepAliveLoopAsync(connection), CancellationToken.None);
        var first = await Task.WhenAny(reader, sender, keepAlive).ConfigureAwait(false);

        Exception? error = first.Exception?.GetBaseException();
        if (error is null && !_lifetime.IsCancellationRequested)
            error = new MqttException($"connection to {connection.Endpoint} ended");
        if (Volatile.Read(ref _disposed) != 0)
            error = null;
        if (error is not null and not MqttException)
            error = new MqttException($"connection to MQTT broker {connection.Endpoint} lost: {error.Message}", null, error);
        if (error is MqttProtocolException pe)
        {
            Log(LogLevel.Warning, $"protocol violation by the broker: {pe.Message}; closing the connection");
            if (connection.Version == MqttProtocolVersion.V500)
                await connection.TrySendFinalAsync(new DisconnectPacket { ReasonCode = pe.Code, Properties = ReasonString(pe.Message) }, TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        else if (error is MqttException { ReasonCode: MqttReasonCode.KeepAliveTimeout } && connection.Version == MqttProtocolVersion.V500)
        {
            await connection.TrySendFinalAsync(new DisconnectPacket { ReasonCode = MqttReasonCode.KeepAliveTimeout }, TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        }
        _connection = null;
        connection.Cancel();
        await connection.DisposeAsync().ConfigureAwait(false);
        try { await Task.WhenAll(reader, sender, keepAlive).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (Exception) { }
        lock (_gate)
        {
            foreach (var (id, request) in _requests.Where(kv => kv.Value.Connection == connection).ToList())
            {
                _requests.Remove(id);
                if (request.Entry is { } entry && entry.SentOn == connection) entry.SentOn = null;
                request.Unsubscribed?.TrySetException(new MqttException($"connection to {connection.Endpoint} lost before UNSUBACK"));
            }
        }
        return error;
    }

    /// <summary>
    /// Keep alive (MQTT 5.0 §3.1.2.10): PINGREQ when nothing was sent or received for the keep-alive period; the
    /// connection is dead when a PINGREQ stays unanswered, or a write stays stuck, for 1.5 × keep alive.
    /// </summary>
    private async Task KeepAliveLoopAsync(MqttConnection connection)
    {
        var token = connection.Token;
        long keepAliveMs = connection.Result.KeepAliveSeconds * 1000L;
        if (keepAliveMs == 0)
        {
            await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
            return;
        }
        long deadAfter = keepAliveMs * 3 / 2;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(keepAliveMs / 4, 50, 1000)), _options.TimeProvider);
        while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
        {
            long now = connection.NowMs();
            long flushStarted = connection.FlushStartedTicks;
            if (flushStarted != 0 && now - flushStarted > deadAfter)
                throw new MqttException($"writes to MQTT broker {connection.Endpoint} stalled for more than 1.5 × keep alive ({deadAfter / 1000.0:0.#} s); connection considered dead", MqttReasonCode.KeepAliveTimeout);
            long pingSent = connection.PingSentTicks;
            if (pingSent != 0)
            {
                if (now - pingSent > deadAfter && !connection.ReaderBusy)
                    throw new MqttException($"no PINGRESP from MQTT broker {connection.Endpoint} within 1.5 × keep alive ({deadAfter / 1000.0:0.#} s); connection considered dead", MqttReasonCode.KeepAliveTimeout);
                continue;
            }
            if (now - connection.LastSentTicks >= keepAliveMs || now - connection.LastReceivedTicks >= keepAliveMs)
            {
                connection.PingSentTicks = now;
                _ = SendPingAsync(connection);
            }
        }
    }

    private static async Task SendPingAsync(MqttConnection connection)
    {
        try
        {
            await connection.SendAsync(PingReqPacket.Instance, connection.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The reader or the keep-alive deadline reports the failure.
        }
    }
}
