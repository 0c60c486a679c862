using System.Buffers.Binary;
using Twin.Epics.ChannelAccess.Circuit;
using Twin.Epics.ChannelAccess.Codec;
using Twin.Epics.ProcessVariables;
using Twin.Testing;

namespace Twin.Epics.Tests;

/// <summary>The virtual circuit at the byte level: reads, monitors, flow control, writes and their access, and faults that close one circuit only.</summary>
public class CircuitTests
{
    private static byte[] Request(CaCommand command, ushort type, uint count, uint p1, uint p2, byte[]? payload = null)
    {
        payload ??= [];
        var h = CaHeader.Of(command, (uint)payload.Length, type, count, p1, p2);
        var bytes = new byte[h.EncodedSize + payload.Length];
        int at = h.WriteTo(bytes);
        payload.CopyTo(bytes, at);
        return bytes;
    }

    private static byte[] EventAddPayload(PvEvents mask)
    {
        var p = new byte[16];
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(12), (ushort)mask);
        return p;
    }

    [Fact]
    public async Task Channels_are_created_read_in_any_type_and_cleared()
    {
        await using var pvs = new TestPvs();
        pvs.CLi.Set(0.4521, 1_700_000_000_000_000_000);
        await using var c = await RawCaClient.HelloAsync(pvs.Server.TcpPort);
        var (sid, type, write) = await c.CreateChannelAsync("T:cell-1:CLI", 5);
        Assert.Equal((ushort)DbrType.Double, type);
        Assert.False(write);
        await c.SendAsync(Request(CaCommand.ReadNotify, 20, 1, sid, 77)); // DBR_TIME_DOUBLE
        var (h, payload) = await c.ReceiveAsync();
        Assert.Equal((CaCommand.ReadNotify, (uint)CaStatus.Normal, 77u, 24u), (h.Kind, h.Parameter1, h.Parameter2, h.PayloadSize));
        Assert.Equal((short)AlarmStatus.Low, BinaryPrimitives.ReadInt16BigEndian(payload));
        Assert.Equal((short)AlarmSeverity.Minor, BinaryPrimitives.ReadInt16BigEndian(payload.AsSpan(2)));
        Assert.Equal(0.4521, BinaryPrimitives.ReadDoubleBigEndian(payload.AsSpan(16)));
        await c.SendAsync(Request(CaCommand.ReadNotify, 0, 1, sid, 78)); // as DBR_STRING, with the PV's precision
        Assert.Equal("0.4521", DbrEncoder.ReadText((await c.ReceiveAsync()).Payload));
        await c.SendAsync(Request(CaCommand.ClearChannel, 0, 0, sid, 5));
        var cleared = await c.ReceiveAsync();
        Assert.Equal((CaCommand.ClearChannel, sid, 5u), (cleared.Header.Kind, cleared.Header.Parameter1, cleared.Header.Parameter2));
        await c.SendAsync(Request(CaCommand.ReadNotify, 6, 1, sid, 79)); // a cleared SID: an error, the circuit stays
        var error = await c.ReceiveAsync();
        Assert.Equal((CaCommand.Error, (uint)CaStatus.BadChannelId), (error.Header.Kind, error.Header.Parameter2));
        await c.SendAsync(CaMessage.Bare(CaHeader.Of(CaCommand.Echo)));
        Assert.Equal(CaCommand.Echo, (await c.ReceiveAsync()).Header.Kind);
        await c.SendAsync(CaMessage.WithText(CaCommand.CreateChannel, "T:nope", 0, 0, 9, 13));
        var failed = await c.ReceiveAsync();
        Assert.Equal((CaCommand.CreateChannelFailed, 9u), (failed.Header.Kind, failed.Header.Parameter1));
    }

    [Fact]
    public async Task A_monitor_sends_the_current_value_then_every_update_and_ends_on_cancel()
    {
        await using var pvs = new TestPvs();
        pvs.Step.Set(3, 1);
        await using var c = await RawCaClient.HelloAsync(pvs.Server.TcpPort);
        var (sid, _, _) = await c.CreateChannelAsync("T:cell-1:STEP", 1);
        await c.SendAsync(Request(CaCommand.EventAdd, 19, 1, sid, 500, EventAddPayload(PvEvents.Value | PvEvents.Alarm))); // DBR_TIME_LONG
        async Task<int> NextAsync()
        {
            var (h, p) = await c.ReceiveAsync();
            Assert.Equal((CaCommand.EventAdd, 500u, (uint)CaStatus.Normal), (h.Kind, h.Parameter2, h.Parameter1));
            return BinaryPrimitives.ReadInt32BigEndian(p.AsSpan(12));
        }
        Assert.Equal(3, await NextAsync());
        pvs.Step.Set(4, 2);
        Assert.Equal(4, await NextAsync());
        pvs.Step.Set(5, 3);
        Assert.Equal(5, await NextAsync());
        await c.SendAsync(Request(CaCommand.EventCancel, 19, 1, sid, 500));
        var end = await c.ReceiveAsync();
        Assert.Equal((CaCommand.EventAdd, 0u, 500u), (end.Header.Kind, end.Header.PayloadSize, end.Header.Parameter2));
        await Wait.UntilAsync(() => pvs.Step.ObserverCount == 0, "the monitor to be removed from the PV");
    }

    [Fact]
    public async Task A_client_that_cannot_keep_up_gets_the_newest_value_not_a_backlog()
    {
        await using var pvs = new TestPvs();
        pvs.CLi.Set(0.9, 1);
        await using var c = await RawCaClient.HelloAsync(pvs.Server.TcpPort);
        var (sid, _, _) = await c.CreateChannelAsync("T:cell-1:CLI", 1);
        await c.SendAsync(Request(CaCommand.EventAdd, 6, 1, sid, 1, EventAddPayload(PvEvents.Value)));
        Assert.Equal(0.9, BinaryPrimitives.ReadDoubleBigEndian((await c.ReceiveAsync()).Payload));
        await c.SendAsync(CaMessage.Bare(CaHeader.Of(CaCommand.EventsOff)));
        await c.SendAsync(CaMessage.Bare(CaHeader.Of(CaCommand.Echo))); // the echo's reply shows EVENTS_OFF was taken before the updates
        Assert.Equal(CaCommand.Echo, (await c.ReceiveAsync()).Header.Kind);
        for (int i = 1; i <= 10_000; i++) pvs.CLi.Set(0.9 - i * 1e-5, 1 + i); // never blocks, whatever the client does
        await c.SendAsync(CaMessage.Bare(CaHeader.Of(CaCommand.EventsOn)));
        var (h, p) = await c.ReceiveAsync();
        Assert.Equal(CaCommand.EventAdd, h.Kind);
        Assert.Equal(0.9 - 10_000 * 1e-5, BinaryPrimitives.ReadDoubleBigEndian(p), 12);
        await c.SendAsync(CaMessage.Bare(CaHeader.Of(CaCommand.Echo)));
        Assert.Equal(CaCommand.Echo, (await c.ReceiveAsync()).Header.Kind); // nothing queued behind the newest value
    }

    [Fact]
    public async Task Writes_need_a_listed_client_and_are_audited()
    {
        await using var pvs = new TestPvs(new ListedWriters(("alice", "bl-ws1")));
        var one = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(one, 1);
        await using (var mallory = await RawCaClient.HelloAsync(pvs.Server.TcpPort, "mallory", "bl-ws1"))
        {
            var (sid, _, write) = await mallory.CreateChannelAsync("T:cell-1:PATTERN_REQ", 1);
            Assert.False(write);
            await mallory.SendAsync(Request(CaCommand.WriteNotify, 5, 1, sid, 9, one));
            var (h, _) = await mallory.ReceiveAsync();
            Assert.Equal((CaCommand.WriteNotify, (uint)CaStatus.NoWriteAccess, 9u), (h.Kind, h.Parameter1, h.Parameter2));
            var (cliSid, _, _) = await mallory.CreateChannelAsync("T:cell-1:CLI", 2);
            await mallory.SendAsync(Request(CaCommand.WriteNotify, 5, 1, cliSid, 10, one)); // read-only for everybody
            Assert.Equal((uint)CaStatus.NoWriteAccess, (await mallory.ReceiveAsync()).Header.Parameter1);
        }
        Assert.Empty(pvs.Writes);
        await using (var alice = await RawCaClient.HelloAsync(pvs.Server.TcpPort, "alice", "bl-ws1"))
        {
            var (sid, _, write) = await alice.CreateChannelAsync("T:cell-1:PATTERN_REQ", 1);
            Assert.True(write);
            await alice.SendAsync(Request(CaCommand.WriteNotify, 5, 1, sid, 11, one));
            Assert.Equal((uint)CaStatus.Normal, (await alice.ReceiveAsync()).Header.Parameter1);
            pvs.RefuseWrites = true;
            await alice.SendAsync(Request(CaCommand.WriteNotify, 5, 1, sid, 12, one));
            Assert.Equal((uint)CaStatus.PutFail, (await alice.ReceiveAsync()).Header.Parameter1);
            var cliSid = (await alice.CreateChannelAsync("T:cell-1:CLI", 2)).Sid;
            await alice.SendAsync(Request(CaCommand.WriteNotify, 5, 1, cliSid, 13, one)); // a listed writer still cannot write a read-only PV
            Assert.Equal((uint)CaStatus.NoWriteAccess, (await alice.ReceiveAsync()).Header.Parameter1);
        }
        Assert.Equal(2, pvs.Writes.Count);
        Assert.Equal(("alice", "bl-ws1", 1.0), (pvs.Writes[0].User, pvs.Writes[0].Host, pvs.Writes[0].Number));
        Assert.Equal(
            [("mallory", "T:cell-1:PATTERN_REQ", false), ("mallory", "T:cell-1:CLI", false), ("alice", "T:cell-1:PATTERN_REQ", true),
             ("alice", "T:cell-1:PATTERN_REQ", false), ("alice", "T:cell-1:CLI", false)],
            pvs.Audit.Select(a => (a.User, a.Pv, a.Accepted)));
        Assert.Contains("no diffractometer trigger", pvs.Audit[3].Message);
    }

    public static TheoryData<string, byte[]> Faults() => new()
    {
        { "unknown command", Request((CaCommand)99, 0, 0, 0, 0) },
        { "oversized payload", CaMessage.Bare(new CaHeader((ushort)CaCommand.Echo, 0x7FFF_FFFF, 0, 0, 0, 0)) },
        { "truncated event add", Request(CaCommand.EventAdd, 6, 1, 1, 1, new byte[8]) },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_malformed_message_closes_that_circuit_only(string what, byte[] message)
    {
        await using var pvs = new TestPvs();
        pvs.CLi.Set(0.7, 1);
        await using var bystander = await RawCaClient.HelloAsync(pvs.Server.TcpPort);
        var (sid, _, _) = await bystander.CreateChannelAsync("T:cell-1:CLI", 1);
        await using (var c = await RawCaClient.HelloAsync(pvs.Server.TcpPort))
        {
            await c.CreateChannelAsync("T:cell-1:CLI", 1);
            await c.SendAsync(message);
            Assert.True(await c.ClosedByServerAsync(), what);
        }
        await Wait.UntilAsync(() => pvs.Server.CircuitsClosedByServer == 1, $"the server to count the circuit it closed ({what})");
        await bystander.SendAsync(Request(CaCommand.ReadNotify, 6, 1, sid, 2));
        Assert.Equal(0.7, BinaryPrimitives.ReadDoubleBigEndian((await bystander.ReceiveAsync()).Payload));
    }

    [Fact]
    public async Task Ten_thousand_channels_from_one_client_close_its_circuit()
    {
        await using var pvs = new TestPvs();
        await using var c = await RawCaClient.HelloAsync(pvs.Server.TcpPort);
        var burst = new MemoryStream();
        for (uint i = 0; i < 10_000; i++) burst.Write(CaMessage.WithText(CaCommand.CreateChannel, "T:cell-1:CLI", 0, 0, i, 13));
        try
        {
            await c.SendAsync(burst.ToArray());
        }
        catch (System.Net.Sockets.SocketException)
        {
            // the server may close before it has read everything
        }
        Assert.True(await c.ClosedByServerAsync());
        await Wait.UntilAsync(() => pvs.Server.CircuitCount == 0, "the circuit to be released");
        Assert.Equal(0, pvs.CLi.ObserverCount);
    }
}

/// <summary>Circuits on the server's clock.</summary>
public class CircuitIdleTests
{
    [Fact]
    public async Task A_silent_client_is_disconnected_after_the_idle_timeout_of_the_servers_clock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var registry = new Twin.Epics.ProcessVariables.PvRegistry();
        registry.Add(new Twin.Epics.ProcessVariables.ProcessVariable("I:X", Twin.Epics.ProcessVariables.PvKind.Double));
        var limits = new CircuitLimits { IdleTimeout = TimeSpan.FromMinutes(5) };
        await using var server = new Twin.Epics.ChannelAccess.Server.CaServer(registry,
            new Twin.Epics.ChannelAccess.Server.CaServerOptions { ServerPort = 0, Limits = limits }, time: clock).Start();
        await using var c = await RawCaClient.HelloAsync(server.TcpPort);
        await c.SendAsync(CaMessage.Bare(CaHeader.Of(CaCommand.Echo)));
        Assert.Equal(CaCommand.Echo, (await c.ReceiveAsync()).Header.Kind); // the circuit reads: its silence timer runs
        clock.Advance(TimeSpan.FromMinutes(4));
        await c.SendAsync(CaMessage.Bare(CaHeader.Of(CaCommand.Echo)));
        Assert.Equal(CaCommand.Echo, (await c.ReceiveAsync()).Header.Kind); // a message restarts the timer
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, server.CircuitCount);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await c.ClosedByServerAsync());
        await Twin.Testing.Wait.UntilAsync(() => server.CircuitsClosedByServer == 1, "the silent circuit to be counted as closed by the server");
    }
}
