using System.Buffers.Binary;
using System.Collections;
using System.Net;
using System.Net.Sockets;
using Twin.Epics.ChannelAccess.Codec;
using Twin.Epics.ChannelAccess.Server;
using Twin.Epics.ProcessVariables;
using Twin.Testing.Epics;

namespace Twin.Epics.Tests;

/// <summary>The server's UDP side and its configuration from the EPICS environment variables.</summary>
public class ServerTests
{
    [Fact]
    public async Task Searches_are_answered_with_the_tcp_port_and_unknown_names_only_when_asked()
    {
        await using var pvs = new TestPvs();
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var server = new IPEndPoint(IPAddress.Loopback, pvs.Server.UdpPort);
        var datagram = new MemoryStream();
        datagram.Write(CaMessage.Bare(CaHeader.Of(CaCommand.Version, 0, 0, 13)));
        datagram.Write(CaMessage.WithText(CaCommand.Search, "T:cell-1:CLI", 5, 13, 41, 41));              // DONT_REPLY, known
        datagram.Write(CaMessage.WithText(CaCommand.Search, "T:cell-1:NOPE", CaMessage.DoReply, 13, 42, 42)); // DO_REPLY, unknown
        datagram.Write(CaMessage.WithText(CaCommand.Search, "OTHER:PV", 5, 13, 43, 43));                      // DONT_REPLY, unknown: silence
        await udp.SendToAsync(datagram.ToArray(), SocketFlags.None, server);
        var buffer = new byte[1500];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var r = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
        var messages = new List<CaHeader>();
        for (int at = 0; at < r.ReceivedBytes;)
        {
            Assert.True(CaHeader.TryRead(buffer.AsSpan(at, r.ReceivedBytes - at), out var h, out int length));
            messages.Add(h);
            at += length + (int)h.PayloadSize;
        }
        Assert.Equal([CaCommand.Version, CaCommand.Search, CaCommand.NotFound], messages.Select(m => m.Kind));
        Assert.Equal(((ushort)pvs.Server.TcpPort, 0xFFFF_FFFFu, 41u), (messages[1].DataType, messages[1].Parameter1, messages[1].Parameter2));
        Assert.Equal(42u, messages[2].Parameter1);

        await udp.SendToAsync(new byte[] { 0, 6, 0, 200, 1, 2 }, SocketFlags.None, server); // a truncated header
        await Twin.Testing.Wait.UntilAsync(() => pvs.Server.MalformedDatagrams == 1, "the malformed datagram to be counted");
    }

    [Fact]
    public async Task Beacons_announce_the_tcp_port_fast_at_first_with_increasing_ids()
    {
        using var repeater = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        repeater.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int repeaterPort = ((IPEndPoint)repeater.LocalEndPoint!).Port;
        var registry = new PvRegistry();
        registry.Add(new ProcessVariable("B:X", PvKind.Double));
        await using var server = new CaServer(registry, new CaServerOptions { ServerPort = 0, RepeaterPort = repeaterPort }).Start();
        var buffer = new byte[64];
        var ids = new List<uint>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (ids.Count < 4)
        {
            var r = await repeater.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
            Assert.True(CaHeader.TryRead(buffer.AsSpan(0, r.ReceivedBytes), out var h, out _));
            Assert.Equal(CaCommand.Beacon, h.Kind);
            Assert.Equal((CaMessage.MinorVersion, (uint)server.TcpPort), (h.DataType, h.DataCount));
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Loopback.GetAddressBytes()), h.Parameter2);
            ids.Add(h.Parameter1);
        }
        Assert.Equal([0u, 1u, 2u, 3u], ids); // 0.02 s, 0.04 s, 0.08 s apart: a waiting client reconnects at once
    }

    [Fact]
    public void Options_come_from_the_epics_environment_variables()
    {
        var o = CaServerOptions.FromEnvironment(new Hashtable
        {
            ["EPICS_CAS_INTF_ADDR_LIST"] = "10.0.0.5 10.0.0.6",
            ["EPICS_CA_SERVER_PORT"] = "5070",
            ["EPICS_CAS_SERVER_PORT"] = "5072",
            ["EPICS_CA_REPEATER_PORT"] = "5073",
            ["EPICS_CAS_BEACON_PERIOD"] = "2.5",
            ["EPICS_CAS_BEACON_ADDR_LIST"] = "10.0.0.255 10.0.1.255:6000",
        });
        Assert.Equal(IPAddress.Parse("10.0.0.5"), o.Interface);
        Assert.Equal(5072, o.ServerPort); // the server-side variable wins
        Assert.Equal(5073, o.RepeaterPort);
        Assert.Equal(TimeSpan.FromSeconds(2.5), o.BeaconPeriod);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.255"), 5073), new IPEndPoint(IPAddress.Parse("10.0.1.255"), 6000)], o.BeaconTargets);
        var defaults = CaServerOptions.FromEnvironment(new Hashtable());
        Assert.Equal((IPAddress.Loopback, 5064, 5065), (defaults.Interface, defaults.ServerPort, defaults.RepeaterPort));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 5065)], defaults.BeaconTargets);
        Assert.Contains("EPICS_CA_SERVER_PORT 'x'", Assert.Throws<FormatException>(() => CaServerOptions.FromEnvironment(new Hashtable { ["EPICS_CA_SERVER_PORT"] = "x" })).Message);
        Assert.Contains("EPICS_CAS_INTF_ADDR_LIST", Assert.Throws<FormatException>(() => CaServerOptions.FromEnvironment(new Hashtable { ["EPICS_CAS_INTF_ADDR_LIST"] = "beamline" })).Message);
        Assert.Contains("EPICS_CAS_BEACON_PERIOD", Assert.Throws<FormatException>(() => CaServerOptions.FromEnvironment(new Hashtable { ["EPICS_CAS_BEACON_PERIOD"] = "0" })).Message);
    }

    [Fact]
    public async Task A_second_server_on_the_same_port_starts_with_another_tcp_port()
    {
        int port = PyEpics.FreeServerPort();
        var one = new PvRegistry();
        one.Add(new ProcessVariable("S1:X", PvKind.Long)).Set(1, 1);
        await using var first = new CaServer(one, new CaServerOptions { ServerPort = port }).Start();
        await using var second = new CaServer(new PvRegistry(), new CaServerOptions { ServerPort = port }).Start();
        Assert.Equal((port, port), (first.UdpPort, second.UdpPort)); // the search port is shared, as EPICS servers share it
        Assert.Equal(port, first.TcpPort);
        Assert.NotEqual(port, second.TcpPort);
        await using var c = await RawCaClient.HelloAsync(first.TcpPort);
        var (sid, _, _) = await c.CreateChannelAsync("S1:X", 1);
        Assert.NotEqual(0u, sid);
    }
}
