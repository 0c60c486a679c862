using Twin.Drivers.Transports;
using Twin.Drivers.Transports.Linux;

namespace Twin.Drivers.Tests.Transports;

public sealed class TermiosSettingsTests
{
    [Theory]
    [InlineData(7, SerialParity.Even, 2, SerialFlowControl.None)]
    [InlineData(8, SerialParity.Odd, 1, SerialFlowControl.RtsCts)]
    [InlineData(8, SerialParity.None, 1, SerialFlowControl.XonXoff)]
    public void Frame_flags_round_trip(int data, SerialParity parity, int stop, SerialFlowControl flow)
    {
        var t = new TermiosData { IFlag = Termios.ICRNL | Termios.IXON, OFlag = Termios.OPOST, LFlag = Termios.ICANON | Termios.ECHO | Termios.ISIG, CFlag = Termios.CS8 };
        TermiosSettings.Apply(ref t, new SerialSettings("/dev/null") { BaudRate = 19200, DataBits = data, Parity = parity, StopBits = stop, Flow = flow });
        var state = TermiosSettings.Decode(t);
        Assert.Equal(new SerialLineState(19200, data, parity, stop, flow, true, true), state);
        Assert.Equal(data == 7 ? Termios.CS7 : Termios.CS8, t.CFlag & Termios.CSIZE);
    }

    [Fact]
    public void Every_standard_rate_has_a_B_constant_and_back()
    {
        foreach (int baud in Termios.StandardBaudRates)
            Assert.Equal(baud, Termios.BaudOf(Termios.SpeedConstant(baud)!.Value));
        Assert.Equal(0x1002u, Termios.SpeedConstant(115200));
        Assert.Equal(0xDu, Termios.SpeedConstant(9600));
        Assert.Null(Termios.SpeedConstant(12345));
    }

    [Fact]
    public void Struct_layout_matches_glibc()
    {
        Assert.Equal(60, System.Runtime.InteropServices.Marshal.SizeOf<TermiosData>());
        Assert.Equal(52, (int)System.Runtime.InteropServices.Marshal.OffsetOf<TermiosData>(nameof(TermiosData.ISpeed)));
    }
}
