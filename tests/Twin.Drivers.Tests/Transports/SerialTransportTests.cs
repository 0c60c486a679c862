using System.Diagnostics;
using System.Text;
using Twin.Drivers.Transports;
using Twin.Testing.Pty;

namespace Twin.Drivers.Tests.Transports;

[Trait("Category", "Pty")]
public sealed class SerialTransportTests
{
    private static async Task<byte[]> ReadExactlyAsync(Stream s, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[count];
        await s.ReadExactlyAsync(buffer, cts.Token);
        return buffer;
    }

    [Fact]
    public async Task Bytes_flow_both_ways_between_two_ptys()
    {
        await using var pair = await SocatPtyPair.StartAsync();
        await using var a = new SerialTransport(new SerialSettings(pair.PathA) { BaudRate = 115200 });
        await using var b = new SerialTransport(new SerialSettings(pair.PathB) { BaudRate = 115200 });
        await a.OpenAsync();
        await b.OpenAsync();
        Assert.True(a.IsOpen);

        await a.Stream.WriteAsync("*IDN?\n"u8.ToArray());
        Assert.Equal("*IDN?\n", Encoding.ASCII.GetString(await ReadExactlyAsync(b.Stream, 6, TimeSpan.FromSeconds(5))));

        // raw mode: CR, LF, XON/XOFF and Ctrl-C bytes pass unchanged
        byte[] raw = [0x0D, 0x0A, 0x11, 0x13, 0x03, 0x00, 0xFF, 0x7F];
        await b.Stream.WriteAsync(raw);
        Assert.Equal(raw, await ReadExactlyAsync(a.Stream, raw.Length, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Settings_are_applied_and_read_back_with_tcgetattr()
    {
        await using var pair = await SocatPtyPair.StartAsync();
        var settings = TransportAddress.ParseSerial($"serial://{pair.PathA}?baud=57600&parity=odd&data=7&stop=2&flow=rtscts");
        await using var a = new SerialTransport(settings);
        await a.OpenAsync();
        var state = a.ReadLineState();
        Assert.Equal(57600, state.BaudRate);
        Assert.Equal(2, state.StopBits);
        Assert.Equal(SerialFlowControl.RtsCts, state.Flow);
        Assert.True(state.Raw);
        Assert.True(state.LocalAndReceiverOn);
        // the Linux pty driver forces CS8 and clears PARENB (drivers/tty/pty.c), so a pty reads back 8N;
        // the flag translation itself is checked in TermiosSettingsTests.
        Assert.Equal(8, state.DataBits);

        await using var b = new SerialTransport(new SerialSettings(pair.PathB) { BaudRate = 4000000, Flow = SerialFlowControl.XonXoff });
        await b.OpenAsync();
        var stateB = b.ReadLineState();
        Assert.Equal(4000000, stateB.BaudRate);
        Assert.Equal(SerialFlowControl.XonXoff, stateB.Flow);
        Assert.Equal(1, stateB.StopBits);
    }

    [Fact]
    public async Task Modem_lines_on_a_pty_fail_with_a_clear_message()
    {
        await using var pair = await SocatPtyPair.StartAsync();
        await using var a = new SerialTransport(new SerialSettings(pair.PathA));
        await a.OpenAsync();
        var e = Assert.Throws<TransportException>(() => a.SetDtr(true));
        Assert.Contains("no modem-control lines", e.Message);
        Assert.Contains(pair.PathA, e.Message);
        Assert.Throws<TransportException>(() => a.SetRts(false));

        // asking for DTR at open time fails the open the same way
        await using var b = new SerialTransport(new SerialSettings(pair.PathB) { Dtr = true });
        var open = await Assert.ThrowsAsync<TransportException>(() => b.OpenAsync());
        Assert.Contains("no modem-control lines", open.Message);
        Assert.False(b.IsOpen);
    }

    [Fact]
    public async Task Hang_up_ends_a_pending_read_with_TransportException()
    {
        var pair = await SocatPtyPair.StartAsync();
        await using var a = new SerialTransport(new SerialSettings(pair.PathA));
        await a.OpenAsync();
        var buffer = new byte[16];
        var read = a.Stream.ReadAsync(buffer).AsTask();
        Assert.False(read.IsCompleted); // nothing was sent: the read waits
        var watch = Stopwatch.StartNew();
        await pair.DisposeAsync(); // socat goes away: the pty master closes
        var e = await Assert.ThrowsAsync<TransportException>(() => read.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("hang-up", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"hang-up noticed after {watch.Elapsed}");
        await Assert.ThrowsAsync<TransportException>(() => a.Stream.WriteAsync(new byte[] { 1 }).AsTask());
    }

    [Fact]
    public async Task Read_timeout_throws_TimeoutException_and_cancellation_is_honoured()
    {
        await using var pair = await SocatPtyPair.StartAsync();
        await using var a = new SerialTransport(new SerialSettings(pair.PathA) { ReadTimeout = TimeSpan.FromMilliseconds(150) });
        await a.OpenAsync();
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<TimeoutException>(() => a.Stream.ReadAsync(new byte[8]).AsTask());
        Assert.InRange(watch.ElapsedMilliseconds, 100, 3000);
        Assert.Contains(pair.PathA, e.Message);

        a.Stream.ReadTimeout = Timeout.Infinite;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        watch.Restart();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.Stream.ReadAsync(new byte[8], cts.Token).AsTask());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"cancellation took {watch.Elapsed}");

        // the port still works after a timeout and a cancellation
        await using var b = new SerialTransport(new SerialSettings(pair.PathB));
        await b.OpenAsync();
        await b.Stream.WriteAsync("ok"u8.ToArray());
        Assert.Equal("ok", Encoding.ASCII.GetString(await ReadExactlyAsync(a.Stream, 2, TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task Reopen_after_close_works_and_closed_stream_reads_end()
    {
        await using var pair = await SocatPtyPair.StartAsync();
        await using var a = new SerialTransport(new SerialSettings(pair.PathA));
        await a.OpenAsync();
        var stream = a.Stream;
        var pending = stream.ReadAsync(new byte[4]).AsTask();
        a.Close();
        Assert.Equal(0, await pending.WaitAsync(TimeSpan.FromSeconds(2)));
        Assert.False(a.IsOpen);
        Assert.Throws<InvalidOperationException>(() => a.Stream);

        await a.OpenAsync();
        await using var b = new SerialTransport(new SerialSettings(pair.PathB));
        await b.OpenAsync();
        await a.Stream.WriteAsync("again"u8.ToArray());
        Assert.Equal("again", Encoding.ASCII.GetString(await ReadExactlyAsync(b.Stream, 5, TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task Missing_device_fails_with_the_path_in_the_message()
    {
        await using var t = new SerialTransport(new SerialSettings("/dev/does-not-exist-twin"));
        var e = await Assert.ThrowsAsync<TransportException>(() => t.OpenAsync());
        Assert.Contains("/dev/does-not-exist-twin", e.Message);
        Assert.Contains("No such file", e.Message);
    }

    [Fact]
    public async Task A_regular_file_is_not_a_terminal()
    {
        string file = Path.GetTempFileName();
        try
        {
            await using var t = new SerialTransport(new SerialSettings(file));
            var e = await Assert.ThrowsAsync<TransportException>(() => t.OpenAsync());
            Assert.Contains("not a terminal", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
