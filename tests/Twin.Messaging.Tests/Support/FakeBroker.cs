using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Mqtt.Codec;
using Twin.Messaging.Mqtt.Packets;

namespace Twin.Messaging.Tests.Support;

/// <summary>
/// A scripted MQTT server on 127.0.0.1 for fault tests: each accepted connection runs a script with helpers to read
/// the client's packets (decoded with the production decoder) and write raw bytes or packets.
/// </summary>
public sealed class FakeBroker : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _accept;

    /// <summary>Starts listening; <paramref name="script"/> runs for every connection.</summary>
    public FakeBroker(Func<FakeConnection, Task> script)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = Task.Run(async () =>
        {
            while (!_cts.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
                catch (Exception) { return; }
                var connection = new FakeConnection(client, Interlocked.Increment(ref _connections));
                _ = Task.Run(async () =>
                {
                    try { await script(connection); }
                    catch (Exception ex) { connection.ScriptError = ex; }
                    finally { connection.Close(); }
                });
            }
        });
    }

    private int _connections;

    /// <summary>Listening port.</summary>
    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _listener.Stop();
        try { await _accept.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
    }
}

/// <summary>One connection accepted by <see cref="FakeBroker"/>.</summary>
public sealed class FakeConnection
{
    private readonly TcpClient _client;
    private readonly PipeReader _reader;
    private readonly Stream _stream;

    internal FakeConnection(TcpClient client, int number)
    {
        _client = client;
        Number = number;
        _stream = client.GetStream();
        _reader = PipeReader.Create(_stream);
        Decoder = new MqttPacketDecoder(MqttProtocolVersion.V500, 1 << 20);
    }

    /// <summary>1 for the first connection, 2 for the next, ...</summary>
    public int Number { get; }

    /// <summary>Decoder for the client's packets (version follows the CONNECT).</summary>
    internal MqttPacketDecoder Decoder { get; }

    /// <summary>Exception the script threw, if any.</summary>
    public Exception? ScriptError { get; set; }

    /// <summary>Reads the next packet from the client (null at end of stream), within <paramref name="timeout"/>.</summary>
    internal async Task<MqttPacket?> ReadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var packet = await _reader.ReadPacketAsync(Decoder, cts.Token);
        if (packet is ConnectPacket connect) Decoder.Version = connect.ProtocolVersion;
        return packet;
    }

    /// <summary>Reads the CONNECT and answers CONNACK success (MQTT 5 with the given properties, or 3.1.1).</summary>
    internal async Task<ConnectPacket> AcceptAsync(MqttProperties? properties = null, bool sessionPresent = false)
    {
        var packet = await ReadAsync() ?? throw new InvalidOperationException("no CONNECT");
        var connect = (ConnectPacket)packet;
        await SendAsync(new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = MqttReasonCode.Success, Properties = properties ?? new MqttProperties() }, connect.ProtocolVersion);
        return connect;
    }

    /// <summary>
    /// Behaves like a plain broker until the client disconnects: grants subscriptions, acknowledges unsubscriptions,
    /// publications (QoS 1 and 2) and pings. <paramref name="onPacket"/> sees every packet first.
    /// </summary>
    internal async Task ServeAsync(Func<MqttPacket, Task>? onPacket = null)
    {
        while (await ReadAsync(TimeSpan.FromSeconds(60)) is { } p and not DisconnectPacket)
        {
            if (onPacket is not null) await onPacket(p);
            switch (p)
            {
                case SubscribePacket sub:
                    await SendAsync(new SubAckPacket { PacketId = sub.PacketId, ReasonCodes = sub.Subscriptions.Select(x => (MqttReasonCode)x.Qos).ToList() }, Decoder.Version);
                    break;
                case UnsubscribePacket unsub:
                    await SendAsync(new UnsubAckPacket { PacketId = unsub.PacketId, ReasonCodes = unsub.Filters.Select(_ => MqttReasonCode.Success).ToList() }, Decoder.Version);
                    break;
                case PublishPacket { Qos: 1 } pub:
                    await SendAsync(new PubAckPacket { PacketId = pub.PacketId }, Decoder.Version);
                    break;
                case PublishPacket { Qos: 2 } pub:
                    await SendAsync(new PubRecPacket { PacketId = pub.PacketId }, Decoder.Version);
                    break;
                case PubRelPacket rel:
                    await SendAsync(new PubCompPacket { PacketId = rel.PacketId }, Decoder.Version);
                    break;
                case PingReqPacket:
                    await SendAsync(PingRespPacket.Instance, Decoder.Version);
                    break;
            }
        }
    }

    /// <summary>Writes a packet.</summary>
    internal Task SendAsync(MqttPacket packet, MqttProtocolVersion version = MqttProtocolVersion.V500) =>
        SendRawAsync(MqttPacketEncoder.ToArray(packet, version));

    /// <summary>Writes raw bytes.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Closes the connection.</summary>
    public void Close()
    {
        try { _client.Close(); } catch (Exception) { }
    }
}
