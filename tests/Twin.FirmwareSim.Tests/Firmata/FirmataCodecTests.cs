using Twin.FirmwareSim.Firmata;

namespace Twin.FirmwareSim.Tests.Firmata;

public sealed class FirmataCodecTests
{
    private static FirmataMessage One(FirmataDirection direction, byte[] bytes)
    {
        var decoder = new FirmataDecoder(direction);
        var messages = decoder.Feed(bytes);
        Assert.Equal(0, decoder.DiscardedBytes);
        return Assert.Single(messages);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1023)]
    [InlineData(5, 127)]
    [InlineData(15, 128)]
    [InlineData(3, 16383)]
    public void Analog_messages_round_trip_14_bit_values(int channel, int value)
    {
        var bytes = FirmataEncoder.Analog(channel, value);
        Assert.Equal(3, bytes.Length);
        Assert.All(bytes.Skip(1), b => Assert.True(b < 0x80));
        var m = One(FirmataDirection.BoardToHost, bytes);
        Assert.Equal(FirmataCommand.AnalogMessage, m.Command);
        Assert.Equal(channel, m.Channel);
        Assert.Equal(value, m.Value14(0));
    }

    [Fact]
    public void Digital_version_pin_mode_and_pin_value_messages_round_trip()
    {
        var d = One(FirmataDirection.BoardToHost, FirmataEncoder.Digital(1, 0b1000_0101));
        Assert.Equal((FirmataCommand.DigitalMessage, (byte)1, 0b1000_0101), (d.Command, d.Channel, d.Value14(0)));
        var v = One(FirmataDirection.BoardToHost, FirmataEncoder.Version(2, 5));
        Assert.Equal(new byte[] { 2, 5 }, v.Data);
        var request = One(FirmataDirection.HostToBoard, FirmataEncoder.Version(request: true));
        Assert.Equal(FirmataCommand.ReportVersion, request.Command);
        Assert.Empty(request.Data);
        var mode = One(FirmataDirection.HostToBoard, FirmataEncoder.SetPinMode(13, FirmataPinMode.Output));
        Assert.Equal(new byte[] { 13, 1 }, mode.Data);
        var value = One(FirmataDirection.HostToBoard, FirmataEncoder.SetDigitalPinValue(7, true));
        Assert.Equal((FirmataCommand.SetDigitalPinValue, 7, 1), (value.Command, value.Data[0], value.Data[1]));
        var report = One(FirmataDirection.HostToBoard, FirmataEncoder.ReportAnalog(2, true));
        Assert.Equal((FirmataCommand.ReportAnalog, (byte)2, (byte)1), (report.Command, report.Channel, report.Data[0]));
    }

    [Fact]
    public void The_firmware_report_carries_the_name_as_7_bit_pairs_and_decodes_back()
    {
        var bytes = FirmataEncoder.Firmware(2, 5, "StandardFirmata.ino");
        Assert.Equal(FirmataCommand.StartSysex, bytes[0]);
        Assert.Equal(FirmataCommand.EndSysex, bytes[^1]);
        Assert.All(bytes[1..^1], b => Assert.True(b < 0x80));
        var m = One(FirmataDirection.BoardToHost, bytes);
        Assert.Equal(FirmataCommand.ReportFirmware, m.SysexId);
        Assert.Equal((2, 5), (m.Data[1], m.Data[2]));
        string name = new([.. Enumerable.Range(0, (m.Data.Length - 3) / 2).Select(i => (char)m.Value14(3 + 2 * i))]);
        Assert.Equal("StandardFirmata.ino", name);
    }

    [Fact]
    public void Messages_split_across_chunks_decode_as_when_sent_whole()
    {
        byte[] stream = [.. FirmataEncoder.Version(2, 5), .. FirmataEncoder.Firmware(2, 5, "X"), .. FirmataEncoder.Analog(0, 153), .. FirmataEncoder.PinState(7, FirmataPinMode.Output, 1)];
        var whole = new FirmataDecoder(FirmataDirection.BoardToHost).Feed(stream);
        var decoder = new FirmataDecoder(FirmataDirection.BoardToHost);
        var split = stream.SelectMany(b => decoder.Feed([b])).ToList();
        Assert.Equal(4, whole.Count);
        Assert.Equal(whole.Select(m => m.ToString()), split.Select(m => m.ToString()));
    }

    [Fact]
    public void Bytes_that_do_not_fit_the_framing_are_dropped_and_the_decoder_resynchronises()
    {
        var decoder = new FirmataDecoder(FirmataDirection.BoardToHost);
        // stray data, an unknown command with data, a SysEx interrupted by a new command, a message cut short
        byte[] noise = [0x12, 0x34, 0xA0, 0x01, FirmataCommand.StartSysex, 0x79, 0x02, 0xE0, 0x05];
        byte[] good = FirmataEncoder.Analog(1, 500);
        var messages = decoder.Feed([.. noise, .. good]);
        var m = Assert.Single(messages);
        Assert.Equal((1, 500), (m.Channel, m.Value14(0)));
        Assert.Equal(noise.Length, decoder.DiscardedBytes);
    }

    [Fact]
    public void An_overlong_sysex_is_dropped()
    {
        var decoder = new FirmataDecoder(FirmataDirection.HostToBoard);
        byte[] big = [FirmataCommand.StartSysex, .. Enumerable.Repeat((byte)0x10, FirmataDecoder.MaxSysexBytes + 10), FirmataCommand.EndSysex];
        Assert.Empty(decoder.Feed(big));
        Assert.Equal(big.Length, decoder.DiscardedBytes);
        Assert.Single(decoder.Feed(FirmataEncoder.Version(request: true)));
    }

    [Fact]
    public void Encoders_reject_values_that_do_not_fit_and_name_them()
    {
        Assert.Contains("analog value", Assert.Throws<ArgumentOutOfRangeException>(() => FirmataEncoder.Analog(0, 16384)).Message);
        Assert.Contains("analog channel", Assert.Throws<ArgumentOutOfRangeException>(() => FirmataEncoder.Analog(16, 0)).Message);
        Assert.Contains("pin", Assert.Throws<ArgumentOutOfRangeException>(() => FirmataEncoder.SetPinMode(128, FirmataPinMode.Output)).Message);
        Assert.Contains("high bit", Assert.Throws<ArgumentException>(() => FirmataEncoder.Sysex(0x71, [0x80])).Message);
    }
}
