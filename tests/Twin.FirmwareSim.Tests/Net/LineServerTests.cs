using System.Diagnostics;
using Twin.FirmwareSim.Faults;
using Twin.FirmwareSim.Net;
using Twin.Testing;

namespace Twin.FirmwareSim.Tests.Net;

public sealed class LineServerTests
{
    [Fact]
    public async Task Splits_lines_tolerates_crlf_and_serves_sequential_connections()
    {
        var device = new EchoDevice();
        await using var server = new LineServer(device).Start();
        Assert.NotEqual(0, server.Port);
        Assert.Equal($"tcp://127.0.0.1:{server.Port}", server.Address);
        await using (var c = await LineClient.ConnectAsync(server.Port))
        {
            await c.SendRawAsync("a\r\nb\nc");
            Assert.Equal("echo:a", await c.ReadLineAsync());
            Assert.Equal("echo:b", await c.ReadLineAsync());
            await c.SendRawAsync("d\n");
            Assert.Equal("echo:cd", await c.ReadLineAsync());
        }
        await using (var c = await LineClient.ConnectAsync(server.Port))
            Assert.Equal("echo:second", await c.QueryAsync("second"));
        Assert.Equal(2, server.ConnectionsAccepted);
        await Wait.UntilAsync(() => device.Disconnects >= 2, "the device to see both disconnects", observed: () => $"{device.Disconnects}");
        Assert.Equal(2, device.Disconnects);
    }

    [Fact]
    public async Task Stop_closes_connections()
    {
        await using var server = new LineServer(new EchoDevice()).Start();
        await using var c = await LineClient.ConnectAsync(server.Port);
        Assert.Equal("echo:x", await c.QueryAsync("x"));
        await server.StopAsync();
        Assert.Null(await c.ReadLineAsync());
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => LineClient.ConnectAsync(server.Port));
    }

    [Fact]
    public async Task Faults_drop_garbage_and_slow_replies_are_applied_and_counted()
    {
        var faults = new FaultInjector();
        var injected = new List<string>();
        faults.Injected += injected.Add;
        await using var server = new LineServer(new EchoDevice(), faults).Start();

        await using (var c = await LineClient.ConnectAsync(server.Port))
        {
            faults.Garbage(1);
            string garbage = await c.QueryAsync("hello");
            Assert.True(garbage[0] >= 0x80);
            Assert.Equal("echo:ok", await c.QueryAsync("ok"));

            faults.SlowReplies = TimeSpan.FromMilliseconds(200);
            var watch = Stopwatch.StartNew();
            Assert.Equal("echo:slow", await c.QueryAsync("slow"));
            Assert.True(watch.ElapsedMilliseconds >= 180);
            faults.SlowReplies = TimeSpan.Zero;

            faults.DropLinkAfter(1);
            Assert.Equal("echo:one more", await c.QueryAsync("one more"));
            await c.SendAsync("dropped");
            Assert.Null(await c.ReadLineAsync());
        }
        await using (var c = await LineClient.ConnectAsync(server.Port))
        {
            Assert.Equal("echo:back", await c.QueryAsync("back"));
            faults.DropLinkNow();
            Assert.Null(await c.ReadLineAsync());
        }
        Assert.Equal(1, faults.GarbageLinesInjected);
        Assert.Equal(1, faults.DelayedReplies);
        Assert.Equal(2, faults.DropsInjected);
        Assert.Equal(4, injected.Count);
    }
}
