using System.Net;
using System.Net.Sockets;
using System.Text;
using Twin.Drivers.Transports;
using Twin.Testing;

namespace Twin.Drivers.Tests.Transports;

public sealed class TcpTransportTests
{
    [Fact]
    public async Task Connects_with_nodelay_and_keepalive_and_moves_bytes_both_ways()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var t = new TcpTransport("127.0.0.1", port);
        await t.OpenAsync();
        using var server = await listener.AcceptSocketAsync();
        Assert.True(t.IsOpen);
        Assert.Equal($"tcp://127.0.0.1:{port}", t.Endpoint);
        var ns = Assert.IsType<NetworkStream>(t.Stream);
        Assert.True(ns.Socket.NoDelay);
        Assert.Equal(1, (int)ns.Socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);

        await t.Stream.WriteAsync("*IDN?\n"u8.ToArray());
        var buffer = new byte[6];
        int n = 0;
        while (n < 6) n += await server.ReceiveAsync(buffer.AsMemory(n));
        Assert.Equal("*IDN?\n", Encoding.ASCII.GetString(buffer));

        await server.SendAsync("hello\n"u8.ToArray());
        var got = new byte[6];
        await t.Stream.ReadExactlyAsync(got).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("hello\n", Encoding.ASCII.GetString(got));

        // peer closes: reads end with 0
        server.Shutdown(SocketShutdown.Both);
        server.Close();
        Assert.Equal(0, await t.Stream.ReadAsync(new byte[4]).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));

        // re-open after loss
        await t.OpenAsync();
        using var server2 = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(t.IsOpen);
    }

    [Fact]
    public async Task Refused_connection_is_a_TransportException_naming_the_endpoint()
    {
        int port = Twin.Testing.Mosquitto.MosquittoBroker.FreePort();
        await using var t = new TcpTransport("127.0.0.1", port);
        var e = await Assert.ThrowsAsync<TransportException>(() => t.OpenAsync());
        Assert.Contains($"tcp://127.0.0.1:{port}", e.Message);
        Assert.False(t.IsOpen);
        Assert.Throws<InvalidOperationException>(() => t.Stream);
    }

    [Fact]
    public async Task Connect_timeout_is_honoured()
    {
        // a listener whose accept queue is full: Linux drops further SYNs, so connecting hangs
        using var full = new Socket(SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        int port = ((IPEndPoint)full.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(s);
                _ = s.ConnectAsync(IPAddress.Loopback, port);
            }
            await Wait.UntilAsync(() => fillers.Any(f => f.Connected), "a filler connection to fill the accept queue");
            await using var t = new TcpTransport("127.0.0.1", port, TimeSpan.FromMilliseconds(300));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<TransportException>(() => t.OpenAsync());
            Assert.Contains("no connection within 0.3 s", e.Message);
            Assert.InRange(watch.ElapsedMilliseconds, 250, 3000);
        }
        finally
        {
            foreach (var s in fillers) s.Dispose();
        }
    }

    [Fact]
    public async Task Pending_read_honours_cancellation()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var t = new TcpTransport("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);
        await t.OpenAsync();
        using var server = await listener.AcceptSocketAsync();
        using var cts = new CancellationTokenSource(100);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t.Stream.ReadAsync(new byte[4], cts.Token).AsTask());
    }
}
