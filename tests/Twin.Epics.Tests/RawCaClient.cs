using System.Net;
using System.Net.Sockets;
using Twin.Epics.ChannelAccess.Codec;

namespace Twin.Epics.Tests;

/// <summary>A Channel Access client at the byte level, for the server's tests: sends headers and payloads as given and reads messages back.</summary>
internal sealed class RawCaClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _filled;

    private RawCaClient(Socket socket) => _socket = socket;

    public static async Task<RawCaClient> ConnectAsync(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new RawCaClient(s);
    }

    /// <summary>Connects, reads the server's VERSION, and introduces itself (VERSION, CLIENT_NAME, HOST_NAME) as libca does.</summary>
    public static async Task<RawCaClient> HelloAsync(int port, string user = "tester", string host = "testhost")
    {
        var c = await ConnectAsync(port);
        var version = await c.ReceiveAsync();
        Assert.Equal(CaCommand.Version, version.Header.Kind);
        await c.SendAsync(CaMessage.Bare(CaHeader.Of(CaCommand.Version, 0, 0, CaMessage.MinorVersion)));
        await c.SendAsync(CaMessage.WithText(CaCommand.ClientName, user));
        await c.SendAsync(CaMessage.WithText(CaCommand.HostName, host));
        return c;
    }

    public Task SendAsync(byte[] bytes) => _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Creates a channel; returns (SID, native type, write access).</summary>
    public async Task<(uint Sid, ushort Type, bool Write)> CreateChannelAsync(string name, uint cid)
    {
        await SendAsync(CaMessage.WithText(CaCommand.CreateChannel, name, 0, 0, cid, CaMessage.MinorVersion));
        var rights = await ReceiveAsync();
        if (rights.Header.Kind == CaCommand.CreateChannelFailed) throw new InvalidOperationException($"no channel {name}");
        Assert.Equal(CaCommand.AccessRights, rights.Header.Kind);
        var created = await ReceiveAsync();
        Assert.Equal(CaCommand.CreateChannel, created.Header.Kind);
        Assert.Equal(cid, created.Header.Parameter1);
        return (created.Header.Parameter2, created.Header.DataType, (rights.Header.Parameter2 & 2) != 0);
    }

    /// <summary>Reads one message (throws when the server closed the circuit).</summary>
    public async Task<(CaHeader Header, byte[] Payload)> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (CaHeader.TryRead(_buffer.AsSpan(0, _filled), out var h, out int length) && _filled >= length + h.PayloadSize)
            {
                var payload = _buffer.AsSpan(length, (int)h.PayloadSize).ToArray();
                int total = length + (int)h.PayloadSize;
                Buffer.BlockCopy(_buffer, total, _buffer, 0, _filled - total);
                _filled -= total;
                return (h, payload);
            }
            int n = await _socket.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None, cts.Token);
            if (n == 0) throw new EndOfStreamException("the server closed the circuit");
            _filled += n;
        }
    }

    /// <summary>True when the server closes the circuit (reads and drops everything until the end).</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await _socket.ReceiveAsync(_buffer, SocketFlags.None, cts.Token) > 0) { }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
