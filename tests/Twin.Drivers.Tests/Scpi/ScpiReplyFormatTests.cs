using Twin.Drivers.Scpi;
using Twin.Drivers.Transports;
using Twin.FirmwareSim.Net;

namespace Twin.Drivers.Tests.Scpi;

/// <summary>Reply parsing edge cases against a scripted line device over TCP.</summary>
public sealed class ScpiReplyFormatTests
{
    private static async Task<(LineServer, ScpiSession)> StartAsync()
    {
        var device = new ScriptedDevice(new()
        {
            ["DEF?"] = ScriptedDevice.Ascii("#15hello\n"),
            ["DEFCRLF?"] = ScriptedDevice.Ascii("#210\0\x01\x02\x03\x04\x05\x06\x07\x08\n\r\n"),
            ["INDEF?"] = ScriptedDevice.Ascii("#0abc\n"),
            ["BADHEAD?"] = ScriptedDevice.Ascii("#x12\n"),
            ["NOHASH?"] = ScriptedDevice.Ascii("12345\n"),
            ["TAB?"] = ScriptedDevice.Ascii("a\tb\r\n"),
            ["CTRL?"] = ScriptedDevice.Ascii("ab\u0007c\n"),
            ["NUM?"] = ScriptedDevice.Ascii("+1.500000E-03\n"),
            ["NAN?"] = ScriptedDevice.Ascii("abc\n"),
            ["OK?"] = ScriptedDevice.Ascii("ok\n"),
        });
        var server = new LineServer(device).Start();
        var session = new ScpiSession(new TcpTransport("127.0.0.1", server.Port), new ScpiOptions { Timeout = TimeSpan.FromMilliseconds(1500) });
        await session.OpenAsync();
        return (server, session);
    }

    [Fact]
    public async Task Definite_indefinite_and_malformed_blocks()
    {
        var (server, s) = await StartAsync();
        await using var _ = server;
        await using var __ = s;
        Assert.Equal("hello"u8.ToArray(), await s.QueryBinaryBlockAsync("DEF?"));
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 10 }, await s.QueryBinaryBlockAsync("DEFCRLF?"));
        Assert.Equal("abc"u8.ToArray(), await s.QueryBinaryBlockAsync("INDEF?"));
        var bad = await Assert.ThrowsAsync<ScpiProtocolException>(() => s.QueryBinaryBlockAsync("BADHEAD?"));
        Assert.Contains("needs a digit after '#'", bad.Message);
        Assert.Equal("ok", await s.QueryAsync("OK?"));
        var noHash = await Assert.ThrowsAsync<ScpiProtocolException>(() => s.QueryBinaryBlockAsync("NOHASH?"));
        Assert.Contains("must start with '#'", noHash.Message);
        Assert.Equal("ok", await s.QueryAsync("OK?"));
    }

    [Fact]
    public async Task Text_replies_allow_tab_reject_control_bytes_and_parse_numbers()
    {
        var (server, s) = await StartAsync();
        await using var _ = server;
        await using var __ = s;
        Assert.Equal("a\tb", await s.QueryAsync("TAB?"));
        var e = await Assert.ThrowsAsync<ScpiProtocolException>(() => s.QueryAsync("CTRL?"));
        Assert.Contains("byte 0x07 at offset 2", e.Message);
        Assert.Equal(1.5e-3, await s.QueryDoubleAsync("NUM?"));
        await Assert.ThrowsAsync<ScpiProtocolException>(() => s.QueryDoubleAsync("NAN?"));
        var timeout = await Assert.ThrowsAsync<ScpiTimeoutException>(() => s.QueryAsync("SILENT?"));
        Assert.Contains("no reply to 'SILENT?' within 1.5 s", timeout.Message);
        Assert.Equal("ok", await s.QueryAsync("OK?"));
    }
}
