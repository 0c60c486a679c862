using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Twin.Epics.ChannelAccess.Codec;
using Twin.Testing;
using Twin.Testing.Epics;

namespace Twin.Epics.Tests;

/// <summary>Hostile input: 100,000 malformed packets over UDP and TCP, after which the server still serves a real client.</summary>
public class FuzzTests
{
    /// <summary>One malformed message: a random header (any command, type, count, parameters) whose payload size lies, is huge, or is right with random bytes; or a truncated header.</summary>
    private static byte[] Malformed(Random rng)
    {
        int kind = rng.Next(5);
        var header = new byte[16];
        rng.NextBytes(header);
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)rng.Next(0, 40));
        switch (kind)
        {
            case 0: return header[..rng.Next(1, 16)];                                        // truncated header
            case 1: BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), 0xFFFF);         // extended header with a huge size
                    BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), 0);
                    var ext = new byte[24];
                    header.CopyTo(ext, 0);
                    BinaryPrimitives.WriteUInt32BigEndian(ext.AsSpan(16), (uint)rng.Next(int.MaxValue));
                    return ext;
            default:
                int size = rng.Next(0, 64);
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(kind == 2 ? rng.Next(0, 0xFFFF) : size));
                var message = new byte[16 + size];
                header.CopyTo(message, 0);
                rng.NextBytes(message.AsSpan(16));
                return message;
        }
    }

    [Fact]
    public async Task The_server_survives_100000_malformed_packets()
    {
        await using var pvs = new TestPvs();
        pvs.CLi.Set(0.55, 1);
        var rng = new Random(20261206);
        using (var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            var target = new IPEndPoint(IPAddress.Loopback, pvs.Server.UdpPort);
            for (int i = 0; i < 60_000; i++) await udp.SendToAsync(Malformed(rng), SocketFlags.None, target);
        }
        int sentTcp = 0, circuits = 0;
        while (sentTcp < 40_000)
        {
            circuits++;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await tcp.ConnectAsync(IPAddress.Loopback, pvs.Server.TcpPort);
            // a first, well-formed CREATE_CHAN so that requests with a valid SID reach the deeper handlers too
            await tcp.SendAsync(CaMessage.WithText(CaCommand.CreateChannel, "T:cell-1:CLI", 0, 0, 1, 13), SocketFlags.None);
            var burst = new MemoryStream();
            for (int i = 0; i < 200 && sentTcp < 40_000; i++, sentTcp++) burst.Write(Malformed(rng));
            try
            {
                await tcp.SendAsync(burst.ToArray(), SocketFlags.None);
                tcp.Shutdown(SocketShutdown.Send);
                var sink = new byte[65_536];
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                while (await tcp.ReceiveAsync(sink, SocketFlags.None, cts.Token) > 0) { }
            }
            catch (SocketException)
            {
                // closed by the server mid-burst: what a malformed message is expected to cause
            }
        }
        await Wait.UntilAsync(() => pvs.Server.CircuitCount == 0, "every fuzzed circuit to be released", observed: () => $"{pvs.Server.CircuitCount} open");
        Assert.True(pvs.Server.CircuitsClosedByServer > circuits / 2, $"{pvs.Server.CircuitsClosedByServer} of {circuits} circuits closed for malformed input");
        Assert.Equal(0, pvs.CLi.ObserverCount);
        // healthy afterwards: a real client reads and monitors
        pvs.CLi.Set(0.45, 2);
        var r = await PyEpics.RunAsync(PyEpics.ReadScript, pvs.Server.UdpPort, ["T:cell-1:CLI"]);
        Assert.Equal(0.45, r.GetProperty("T:cell-1:CLI").GetProperty("value").GetDouble());
        Assert.True(pvs.Server.MalformedDatagrams > 0);
    }
}
