using Twin.Drivers.Transports;

namespace Twin.Drivers.Tests.Transports;

public sealed class TransportAddressTests
{
    [Fact]
    public async Task Tcp_addresses()
    {
        await using var t = Assert.IsType<TcpTransport>(TransportAddress.Parse("tcp://192.168.1.20"));
        Assert.Equal(5025, t.Port);
        Assert.Equal("tcp://192.168.1.20:5025", t.Endpoint);
        await using var t2 = Assert.IsType<TcpTransport>(TransportAddress.Parse("TCP://k2450.lab:5026/"));
        Assert.Equal(("k2450.lab", 5026), (t2.Host, t2.Port));
        await using var t3 = Assert.IsType<TcpTransport>(TransportAddress.Parse("tcp://[::1]:1234"));
        Assert.Equal(("::1", 1234), (t3.Host, t3.Port));
        Assert.Equal("tcp://[::1]:1234", t3.Endpoint);
    }

    [Fact]
    public async Task Serial_addresses()
    {
        await using var s = Assert.IsType<SerialTransport>(TransportAddress.Parse("serial:///dev/ttyUSB0?baud=115200&parity=even&data=7&stop=2&flow=rtscts&dtr=on&rts=off"));
        var expected = new SerialSettings("/dev/ttyUSB0") { BaudRate = 115200, Parity = SerialParity.Even, DataBits = 7, StopBits = 2, Flow = SerialFlowControl.RtsCts, Dtr = true, Rts = false };
        Assert.Equal(expected, s.Settings);
        Assert.Equal("serial:///dev/ttyUSB0?baud=115200&data=7&parity=even&stop=2&flow=rtscts&dtr=on&rts=off", s.Endpoint);
        Assert.Equal(new SerialSettings("/dev/ttyS0"), TransportAddress.ParseSerial("serial:///dev/ttyS0"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), TransportAddress.ParseSerial("serial:///dev/ttyS0?timeout=500").ReadTimeout);
    }

    [Theory]
    [InlineData("", "tcp:// or serial://")]
    [InlineData("udp://host:5025", "tcp:// or serial://")]
    [InlineData("tcp://", "host name")]
    [InlineData("tcp://host:99999", "port 1–65535")]
    [InlineData("tcp://host:abc", "port 1–65535")]
    [InlineData("serial://dev/ttyUSB0", "absolute device path")]
    [InlineData("serial:///dev/ttyUSB0?baud=12345", "not a standard Linux rate")]
    [InlineData("serial:///dev/ttyUSB0?baud=fast", "integer for baud")]
    [InlineData("serial:///dev/ttyUSB0?parity=mark", "parity=none|even|odd")]
    [InlineData("serial:///dev/ttyUSB0?data=6", "data bits must be 7 or 8")]
    [InlineData("serial:///dev/ttyUSB0?stop=3", "stop bits must be 1 or 2")]
    [InlineData("serial:///dev/ttyUSB0?flow=maybe", "flow=none|rtscts|xonxoff")]
    [InlineData("serial:///dev/ttyUSB0?dtr=yes", "dtr=on|off")]
    [InlineData("serial:///dev/ttyUSB0?speed=9600", "one of the keys")]
    [InlineData("serial:///dev/ttyUSB0?baud", "key=value")]
    public void Bad_addresses_name_the_text_and_what_was_expected(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => TransportAddress.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
