using System.Net;
using System.Net.Sockets;

namespace Twin.Messaging.Tests.Support;

/// <summary>
/// Stands in for an MQTT 3.1.1-only broker in front of Mosquitto: an MQTT 5 CONNECT is refused the way such a broker
/// does (CONNACK "unacceptable protocol version", as a 3.1.1 return code 1 or an MQTT 5 reason 0x84) and the
/// connection closed; a 3.1.1 connection is relayed to Mosquitto byte for byte.
/// </summary>
public sealed class Mqtt311OnlyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _cts = new();
    private int _refused;

    /// <summary>Starts the proxy.</summary>
    /// <param name="brokerPort">Mosquitto's port.</param>
    /// <param name="answerAsV5">Refuse with an MQTT 5 CONNACK (0x84) instead of the 3.1.1 form (return code 1).</param>
    public Mqtt311OnlyProxy(int brokerPort, bool answerAsV5)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            while (!_cts.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
                catch (Exception) { return; }
                _ = HandleAsync(client, brokerPort, answerAsV5);
            }
        });
    }

    /// <summary>Listening port.</summary>
    public int Port { get; }

    /// <summary>MQTT 5 CONNECTs refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    private async Task HandleAsync(TcpClient client, int brokerPort, bool answerAsV5)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            // Fixed header and remaining length, then the body (MQTT 5.0 §2.1).
            var header = new List<byte> { await ReadByteAsync(stream) };
            int remaining = 0;
            for (int i = 0; i < 4; i++)
            {
                byte b = await ReadByteAsync(stream);
                header.Add(b);
                remaining |= (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) break;
            }
            var body = new byte[remaining];
            await stream.ReadExactlyAsync(body, _cts.Token);
            byte level = body[6]; // 00 04 'M' 'Q' 'T' 'T' level
            if (level != 4)
            {
                Interlocked.Increment(ref _refused);
                await stream.WriteAsync(answerAsV5 ? new byte[] { 0x20, 0x03, 0x00, 0x84, 0x00 } : [0x20, 0x02, 0x00, 0x01], _cts.Token);
                return;
            }
            using var broker = new TcpClient();
            await broker.ConnectAsync(IPAddress.Loopback, brokerPort, _cts.Token);
            var upstream = broker.GetStream();
            await upstream.WriteAsync(header.ToArray(), _cts.Token);
            await upstream.WriteAsync(body, _cts.Token);
            var a = stream.CopyToAsync(upstream, _cts.Token);
            var b2 = upstream.CopyToAsync(stream, _cts.Token);
            await Task.WhenAny(a, b2);
        }
        catch (Exception)
        {
        }
    }

    private async Task<byte> ReadByteAsync(NetworkStream stream)
    {
        var one = new byte[1];
        await stream.ReadExactlyAsync(one, _cts.Token);
        return one[0];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}
