using System.Net.Sockets;
using System.Text;

namespace Twin.FirmwareSim.Tests.Net;

/// <summary>A plain TCP line client for talking to a line server in tests.</summary>
public sealed class LineClient : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly NetworkStream _stream;

    private LineClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.Latin1);
    }

    public NetworkStream Stream => _stream;

    public static async Task<LineClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new LineClient(client);
    }

    public Task SendAsync(string line) => _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\n")).AsTask();

    public Task SendRawAsync(string text) => _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    public async Task<string?> ReadLineAsync(int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        return await _reader.ReadLineAsync(cts.Token);
    }

    public async Task<string> QueryAsync(string line)
    {
        await SendAsync(line);
        return await ReadLineAsync() ?? throw new EndOfStreamException("connection closed");
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
