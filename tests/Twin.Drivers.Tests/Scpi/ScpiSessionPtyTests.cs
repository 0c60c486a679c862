using System.Diagnostics;
using Twin.Drivers.Scpi;

namespace Twin.Drivers.Tests.Scpi;

/// <summary>The SCPI session over a real pseudo-terminal (socat) bridged to the simulated 2450.</summary>
[Trait("Category", "Pty")]
public sealed class ScpiSessionPtyTests
{
    [Fact]
    public async Task Identify_and_opc_round_trips_over_a_pty()
    {
        await using var smu = await SimulatedSmu.StartAsync(pty: true);
        await using var s = await smu.OpenSessionAsync();
        Assert.StartsWith($"serial://{smu.Bridge!.LinkPath}?baud=115200", s.Endpoint);
        Assert.Equal("MODEL 2450", (await s.IdentifyAsync()).Model);
        for (int i = 0; i < 20; i++) await s.WaitOperationCompleteAsync();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 200; i++) await s.WaitOperationCompleteAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"200 *OPC? round trips over the pty took {watch.Elapsed}");
    }

    [Fact]
    public async Task Dropped_link_behind_the_pty_is_reopened_and_the_query_retried()
    {
        await using var smu = await SimulatedSmu.StartAsync(pty: true);
        await using var s = await smu.OpenSessionAsync();
        var events = new List<string>();
        s.LinkEvent += events.Add;
        await s.WriteAsync(":SOUR:FUNC CURR");
        await s.WaitOperationCompleteAsync();                 // the setting is applied before the fault is armed
        smu.Faults.DropLinkAfter(0);          // the device drops TCP; socat exits; the pty hangs up; the bridge restarts socat
        Assert.Equal("CURR", await s.QueryAsync(":SOUR:FUNC?"));
        Assert.Equal(1, s.Reconnects);
        Assert.True(smu.Bridge!.Starts >= 2);
        Assert.Contains(events, e => e.StartsWith("link lost:", StringComparison.Ordinal) && e.Contains("hang-up", StringComparison.Ordinal));
        Assert.Matches("^link restored after [1-3] attempts?$", events[^1]);
        Assert.Equal("MODEL 2450", (await s.IdentifyAsync()).Model);
    }

    [Fact]
    public async Task Garbage_and_timeout_over_the_pty()
    {
        await using var smu = await SimulatedSmu.StartAsync(pty: true);
        await using var s = await smu.OpenSessionAsync(new ScpiOptions { Timeout = TimeSpan.FromMilliseconds(600) });
        smu.Faults.Garbage(1);
        await Assert.ThrowsAsync<ScpiProtocolException>(() => s.QueryAsync(":OUTP?"));
        Assert.Equal("0", await s.QueryAsync(":OUTP?"));
        smu.Faults.SlowReplies = TimeSpan.FromMilliseconds(900);
        await Assert.ThrowsAsync<ScpiTimeoutException>(() => s.QueryAsync("*IDN?"));
        smu.Faults.SlowReplies = TimeSpan.Zero;
        Assert.Equal("VOLT", await s.QueryAsync(":SOUR:FUNC?"));
    }
}
