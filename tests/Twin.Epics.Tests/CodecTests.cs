using System.Buffers.Binary;
using Twin.Epics.ChannelAccess.Codec;
using Twin.Epics.ProcessVariables;

namespace Twin.Epics.Tests;

/// <summary>The codec against byte layouts of the Channel Access protocol specification and EPICS base's db_access.h.</summary>
public class CodecTests
{
    [Fact]
    public void Standard_header_is_sixteen_big_endian_bytes()
    {
        var bytes = new byte[16];
        Assert.Equal(16, CaHeader.Of(CaCommand.CreateChannel, 8, 0, 0, 7, 13).WriteTo(bytes));
        Assert.Equal(Convert.FromHexString("0012000800000000000000070000000D"), bytes);
        Assert.True(CaHeader.TryRead(bytes, out var h, out int length));
        Assert.Equal((CaCommand.CreateChannel, 8u, 7u, 13u, 16), (h.Kind, h.PayloadSize, h.Parameter1, h.Parameter2, length));
    }

    [Fact]
    public void Large_payloads_and_counts_use_the_extended_header()
    {
        var header = CaHeader.Of(CaCommand.EventAdd, 0x10000, 6, 0x20000, 1, 2);
        var bytes = new byte[24];
        Assert.Equal(24, header.WriteTo(bytes));
        Assert.Equal(Convert.FromHexString("0001FFFF00060000" + "0000000100000002" + "0001000000020000"), bytes);
        Assert.False(CaHeader.TryRead(bytes.AsSpan(0, 20), out _, out _)); // the extension is not complete yet
        Assert.True(CaHeader.TryRead(bytes, out var h, out int length));
        Assert.Equal((0x10000u, 0x20000u, 24), (h.PayloadSize, h.DataCount, length));
        Assert.False(CaHeader.TryRead(bytes.AsSpan(0, 15), out _, out _));
    }

    // Sizes of the C structs in db_access.h (dbr_size[]), padding fields included.
    [Theory]
    [InlineData(0, 40)] [InlineData(1, 2)] [InlineData(2, 4)] [InlineData(3, 2)] [InlineData(4, 1)] [InlineData(5, 4)] [InlineData(6, 8)]
    [InlineData(7, 44)] [InlineData(8, 6)] [InlineData(9, 8)] [InlineData(10, 6)] [InlineData(11, 6)] [InlineData(12, 8)] [InlineData(13, 16)]
    [InlineData(14, 52)] [InlineData(15, 16)] [InlineData(16, 16)] [InlineData(17, 16)] [InlineData(18, 16)] [InlineData(19, 16)] [InlineData(20, 24)]
    [InlineData(21, 44)] [InlineData(22, 26)] [InlineData(23, 44)] [InlineData(24, 424)] [InlineData(25, 20)] [InlineData(26, 40)] [InlineData(27, 72)]
    [InlineData(28, 44)] [InlineData(29, 30)] [InlineData(30, 52)] [InlineData(31, 424)] [InlineData(32, 22)] [InlineData(33, 48)] [InlineData(34, 88)]
    public void Dbr_sizes_match_db_access_h(int type, int size) => Assert.Equal(size, DbrEncoder.Size((ushort)type, 1));

    [Fact]
    public void Time_double_carries_alarm_stamp_padding_and_value()
    {
        var meta = new PvMetadata { LoLo = 0.4, Low = 0.5 };
        long unixNs = (EpicsTime.EpochOffsetS + 1_000_000_000L) * 1_000_000_000L + 250;
        var v = new PvValue(0.3875, null, unixNs, AlarmStatus.LoLo, AlarmSeverity.Major);
        var bytes = new byte[24];
        Assert.Equal(24, DbrEncoder.Encode(PvKind.Double, meta, v, 20, 1, bytes));
        Assert.Equal(5, BinaryPrimitives.ReadInt16BigEndian(bytes));                  // LOLO_ALARM
        Assert.Equal(2, BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(2)));        // MAJOR_ALARM
        Assert.Equal(1_000_000_000u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)));
        Assert.Equal(250u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)));
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12)));       // RISC_pad
        Assert.Equal(0.3875, BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(16)));
    }

    [Fact]
    public void Ctrl_double_has_precision_units_and_limits_in_db_access_order()
    {
        var meta = new PvMetadata { Units = "A", Precision = 4, DisplayLow = 0, DisplayHigh = 1, LoLo = 0.4, Low = 0.5, High = double.NaN, HiHi = double.NaN };
        var bytes = new byte[88];
        DbrEncoder.Encode(PvKind.Double, meta, new PvValue(0.61, null, 0, AlarmStatus.None, AlarmSeverity.None), 34, 1, bytes);
        Assert.Equal(4, BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(4)));
        Assert.Equal("A", DbrEncoder.ReadText(bytes.AsSpan(8, 8)));
        double L(int i) => BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(16 + 8 * i));
        Assert.Equal(1.0, L(0));           // upper display
        Assert.Equal(0.0, L(1));           // lower display
        Assert.True(double.IsNaN(L(2)));   // upper alarm
        Assert.True(double.IsNaN(L(3)));   // upper warning
        Assert.Equal(0.5, L(4));           // lower warning
        Assert.Equal(0.4, L(5));           // lower alarm
        Assert.Equal(0.61, BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(80)));
    }

    [Fact]
    public void Gr_enum_lists_the_states_and_the_index()
    {
        var meta = new PvMetadata { States = ["safe", "caution", "critical", "deep"] };
        var bytes = new byte[424];
        DbrEncoder.Encode(PvKind.Enum, meta, new PvValue(2, null, 0, AlarmStatus.State, AlarmSeverity.Major), 24, 1, bytes);
        Assert.Equal(4, BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(4)));
        Assert.Equal("critical", DbrEncoder.ReadText(bytes.AsSpan(6 + 2 * 26, 26)));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(422)));
    }

    [Fact]
    public void Values_convert_between_types_as_an_epics_server_does()
    {
        var zone = new PvMetadata { States = ["safe", "caution"] };
        var bytes = new byte[40];
        DbrEncoder.Encode(PvKind.Enum, zone, new PvValue(1, null, 0, 0, 0), 0, 1, bytes);
        Assert.Equal("caution", DbrEncoder.ReadText(bytes));
        Array.Clear(bytes);
        DbrEncoder.Encode(PvKind.Double, new PvMetadata { Precision = 3 }, new PvValue(0.41237, null, 0, 0, 0), 0, 1, bytes);
        Assert.Equal("0.412", DbrEncoder.ReadText(bytes));
        Array.Clear(bytes);
        DbrEncoder.Encode(PvKind.Double, new PvMetadata(), PvValue.Undefined, 5, 1, bytes);
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(bytes));            // NaN as LONG
        DbrEncoder.Encode(PvKind.Double, new PvMetadata(), new PvValue(1e12, null, 0, 0, 0), 1, 1, bytes);
        Assert.Equal(short.MaxValue, BinaryPrimitives.ReadInt16BigEndian(bytes)); // clamped
    }

    [Fact]
    public void Written_values_decode_from_plain_types_only()
    {
        var payload = new byte[40];
        DbrEncoder.WriteText("1", payload);
        Assert.Equal(CaStatus.Normal, DbrDecoder.TryDecode(0, 1, payload, out double n, out string t));
        Assert.Equal((1.0, "1"), (n, t));
        BinaryPrimitives.WriteDoubleBigEndian(payload, 2.5);
        Assert.Equal(CaStatus.Normal, DbrDecoder.TryDecode(6, 1, payload, out n, out _));
        Assert.Equal(2.5, n);
        Assert.Equal(CaStatus.BadType, DbrDecoder.TryDecode(13, 1, payload, out _, out _)); // DBR_STS_DOUBLE is not written
        Assert.Equal(CaStatus.BadCount, DbrDecoder.TryDecode(6, 9, payload, out _, out _)); // more elements than bytes
        Assert.Equal(CaStatus.BadType, DbrDecoder.TryDecode(99, 1, payload, out _, out _));
    }

    [Fact]
    public void Search_reply_and_beacon_follow_the_specification()
    {
        var reply = CaMessage.SearchReply(5064, 42);
        Assert.Equal(Convert.FromHexString("00060008" + "13C80000" + "FFFFFFFF" + "0000002A" + "000D000000000000"), reply);
        Assert.Equal(8, CaMessage.WithText(CaCommand.HostName, "host-12").Length - 16); // 7 characters + NUL: one 8-byte block
        Assert.Equal(16, CaMessage.WithText(CaCommand.HostName, "host-123").Length - 16);
    }

    [Fact]
    public void Epics_time_counts_from_1990()
    {
        Assert.Equal((0u, 0u), EpicsTime.FromUnixNs(0));
        Assert.Equal((1u, 5u), EpicsTime.FromUnixNs((EpicsTime.EpochOffsetS + 1) * 1_000_000_000L + 5));
    }
}
