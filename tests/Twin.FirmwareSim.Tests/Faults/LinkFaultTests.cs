using Microsoft.Extensions.Time.Testing;
using Twin.FirmwareSim.Faults;
using Twin.FirmwareSim.Net;
using Twin.FirmwareSim.Tests.Net;
using Twin.Testing;

namespace Twin.FirmwareSim.Tests.Faults;

/// <summary>The link faults an operator rehearses with <c>twin sim --fault</c>, on a real TCP line server.</summary>
public sealed class LinkFaultTests
{
    [Fact]
    public async Task A_black_hole_keeps_connections_open_and_lets_nothing_through_either_way()
    {
        var device = new EchoDevice();
        await using var server = new LineServer(device).Start();
        await using var before = await LineClient.ConnectAsync(server.Port);
        Assert.Equal("echo:ok", await before.QueryAsync("ok"));
        server.Faults.Start(LinkFault.Blackhole);
        await before.SendAsync("lost-1");
        await using var during = await LineClient.ConnectAsync(server.Port); // a new connection is accepted, and swallowed too
        await during.SendAsync("lost-2");
        await Wait.UntilAsync(() => server.Faults.BlackholedLines == 2, "both lines swallowed", observed: () => $"{server.Faults.BlackholedLines}");
        Assert.Equal(2, server.ActiveConnections);
        server.Faults.Stop(LinkFault.Blackhole);
        // the next reply on each connection answers the next line: what was sent meanwhile never reached the device
        Assert.Equal("echo:back-1", await before.QueryAsync("back-1"));
        Assert.Equal("echo:back-2", await during.QueryAsync("back-2"));
        lock (device.Lines) Assert.Equal(["ok", "back-1", "back-2"], device.Lines);
    }

    [Fact]
    public async Task Silent_replies_let_commands_through_but_no_answer_back()
    {
        var device = new EchoDevice();
        await using var server = new LineServer(device).Start();
        await using var c = await LineClient.ConnectAsync(server.Port);
        server.Faults.Start(LinkFault.Silent);
        await c.SendAsync("done-quietly");
        await Wait.UntilAsync(() => server.Faults.SilencedReplies == 1, "the reply withheld", observed: () => $"{server.Faults.SilencedReplies}");
        server.Faults.Stop(LinkFault.Silent);
        Assert.Equal("echo:heard", await c.QueryAsync("heard"));
        lock (device.Lines) Assert.Equal(["done-quietly", "heard"], device.Lines);
    }

    [Fact]
    public async Task Garbage_corrupts_every_reply_until_switched_off()
    {
        await using var server = new LineServer(new EchoDevice()).Start();
        await using var c = await LineClient.ConnectAsync(server.Port);
        server.Faults.Start(LinkFault.Garbage);
        for (int i = 0; i < 3; i++) Assert.NotEqual($"echo:{i}", await c.QueryAsync($"{i}"));
        server.Faults.Stop(LinkFault.Garbage);
        Assert.Equal("echo:clean", await c.QueryAsync("clean"));
    }

    [Fact]
    public async Task A_scheduled_fault_starts_after_the_first_command_and_ends_after_its_duration()
    {
        var clock = new FakeTimeProvider();
        await using var server = new LineServer(new EchoDevice()).Start();
        var reports = new List<string>();
        await using var schedule = FaultSchedule.Start(server, LinkFault.Blackhole, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), clock, r => { lock (reports) reports.Add(r); });
        await using var c = await LineClient.ConnectAsync(server.Port); // connected (as a pty bridge is), but silent
        clock.Advance(TimeSpan.FromMinutes(5));                          // the clock alone starts nothing
        Assert.False(server.Faults.Blackhole);
        Assert.Equal("echo:hello", await c.QueryAsync("hello"));         // the driver's first command
        var advanced = TimeSpan.Zero;
        await Wait.UntilAsync(() => { clock.Advance(TimeSpan.FromSeconds(1)); advanced += TimeSpan.FromSeconds(1); return server.Faults.Blackhole; }, "the black hole to start");
        Assert.True(advanced >= TimeSpan.FromSeconds(30), $"started after {advanced}");
        advanced = TimeSpan.Zero;
        await Wait.UntilAsync(() => { clock.Advance(TimeSpan.FromSeconds(1)); advanced += TimeSpan.FromSeconds(1); return !server.Faults.Blackhole; }, "the black hole to end");
        Assert.True(advanced >= TimeSpan.FromSeconds(60), $"ended after {advanced}");
        await schedule.Completion;
        lock (reports) Assert.Equal(["fault blackhole on for 60 s", "fault blackhole off: the link works again"], reports);
        Assert.Equal("echo:x", await c.QueryAsync("x"));
    }

    [Theory]
    [InlineData("silent", LinkFault.Silent)]
    [InlineData("Blackhole", LinkFault.Blackhole)]
    [InlineData("garbage", LinkFault.Garbage)]
    [InlineData("drop", LinkFault.Drop)]
    public void Fault_names_parse(string name, LinkFault expected)
    {
        Assert.True(LinkFaults.TryParse(name, out var f));
        Assert.Equal(expected, f);
        Assert.Equal(name.ToLowerInvariant(), f.Name());
        Assert.False(LinkFaults.TryParse("slow", out _));
    }
}
