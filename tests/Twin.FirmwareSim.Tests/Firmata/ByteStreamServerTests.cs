using System.Net.Sockets;
using Twin.FirmwareSim.Faults;
using Twin.FirmwareSim.Firmata;
using Twin.FirmwareSim.Net;
using Twin.FirmwareSim.Timing;
using Twin.Testing;

namespace Twin.FirmwareSim.Tests.Firmata;

/// <summary>The simulated board behind the binary TCP server: queries over a socket, and the link faults.</summary>
public sealed class ByteStreamServerTests
{
    private static async Task<FirmataMessage> ReadMessageAsync(NetworkStream stream, FirmataDecoder decoder, Func<FirmataMessage, bool> accept)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            int n = await stream.ReadAsync(buffer, cts.Token);
            Assert.True(n > 0, "the server closed the connection");
            foreach (var m in decoder.Feed(buffer.AsSpan(0, n)))
                if (accept(m)) return m;
        }
    }

    [Fact]
    public async Task A_client_queries_the_board_and_silent_and_garbage_faults_change_what_it_receives()
    {
        using var board = new ArduinoFirmataSimulator(new SimClock());
        var faults = new FaultInjector();
        await using var server = new ByteStreamServer(board, faults).Start();
        using var client = new TcpClient();
        await client.ConnectAsync(server.EndPoint);
        var stream = client.GetStream();
        var decoder = new FirmataDecoder(FirmataDirection.BoardToHost);

        await stream.WriteAsync(FirmataEncoder.Version(request: true));
        var version = await ReadMessageAsync(stream, decoder, _ => true);
        Assert.Equal(new byte[] { 2, 5 }, version.Data);

        // silent: the board still carries out commands but sends nothing
        faults.SilentReplies = true;
        await stream.WriteAsync((byte[])[.. FirmataEncoder.SetPinMode(7, FirmataPinMode.Output), .. FirmataEncoder.SetDigitalPinValue(7, true), .. FirmataEncoder.Version(request: true)]);
        await Wait.UntilAsync(() => board.IsHigh(7), "the silent board to set pin 7");
        await Wait.UntilAsync(() => faults.SilencedReplies >= 1, "the version answer to be withheld");
        faults.SilentReplies = false;

        // garbage: the next answer arrives as random bytes of the same length
        long sent = server.BytesSent;
        faults.Garbage(1);
        await stream.WriteAsync(FirmataEncoder.Version(request: true));
        await Wait.UntilAsync(() => faults.GarbageLinesInjected == 1 && server.BytesSent == sent + 3, "one garbled answer");
        await stream.WriteAsync(FirmataEncoder.Sysex(FirmataCommand.ReportFirmware, []));
        var firmware = await ReadMessageAsync(stream, decoder, m => m.SysexId == FirmataCommand.ReportFirmware);
        Assert.Equal((2, 5), (firmware.Data[1], firmware.Data[2]));
    }
}
