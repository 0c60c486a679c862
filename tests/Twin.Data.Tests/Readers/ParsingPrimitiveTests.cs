using System.Globalization;
using System.Text;
using Twin.Data.Readers.Text;

namespace Twin.Data.Tests.Readers;

/// <summary>The byte-level number, duration and field parsing under every reader.</summary>
public sealed class ParsingPrimitiveTests
{
    [Fact]
    public void Fast_number_parsing_matches_the_framework_bit_for_bit()
    {
        var random = new Random(20240611);
        string[] formats = ["R", "G15", "G17", "F6", "E15", "0.00000", "F0"];
        for (int i = 0; i < 20_000; i++)
        {
            double value = (random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-8, 9));
            string text = value.ToString(formats[i % formats.Length], CultureInfo.InvariantCulture);
            Assert.True(NumberText.TryParseDouble(Encoding.UTF8.GetBytes(text), false, out double parsed), text);
            Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), parsed);
        }
    }

    [Theory]
    [InlineData("3.41627", 3.41627)]
    [InlineData("  -2501.71411 ", -2501.71411)]
    [InlineData("0.00605515800906498", 0.00605515800906498)]
    [InlineData("1.000000000000000E+000", 1.0)]
    [InlineData("7.320000117691234E+000", 7.320000117691234)]
    [InlineData("12345678901234567890123", 12345678901234567890123.0)]
    [InlineData("1e-30", 1e-30)]
    [InlineData("-0", -0.0)]
    [InlineData(".5", 0.5)]
    public void Parses_numbers_as_cyclers_write_them(string text, double expected)
    {
        Assert.True(NumberText.TryParseDouble(Encoding.UTF8.GetBytes(text), false, out double value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("3,4567", 3.4567)]
    [InlineData("6,000000000000000E+002", 600.0)]
    [InlineData("-0,34", -0.34)]
    public void Parses_decimal_comma(string text, double expected)
    {
        Assert.True(NumberText.TryParseDouble(Encoding.UTF8.GetBytes(text), true, out double value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4.2x")]
    [InlineData("n/a")]
    [InlineData("1.2.3")]
    [InlineData("--1")]
    public void Refuses_what_is_not_a_number(string text) =>
        Assert.False(NumberText.TryParseDouble(Encoding.UTF8.GetBytes(text), false, out _));

    [Theory]
    [InlineData("42", 42)]
    [InlineData(" -7 ", -7)]
    [InlineData("3.000000000000000E+000", 3)]
    public void Parses_integers_including_integral_decimals(string text, int expected)
    {
        Assert.True(NumberText.TryParseInt(Encoding.UTF8.GetBytes(text), false, out int value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Refuses_fractional_integers() =>
        Assert.False(NumberText.TryParseInt("2.5"u8, false, out _));

    [Theory]
    [InlineData("  1d 02:18:47.4099998474121", 86400 + 7200 + 1080 + 47.4099998474121)]
    [InlineData("  0d 00:00:0", 0)]
    [InlineData("0:00:10.000", 10)]
    [InlineData("26:03:04", (26 * 3600) + 184)]
    [InlineData("1-02:03:04", 86400 + 7384)]
    [InlineData("03:04", 184)]
    [InlineData("3600.5", 3600.5)]
    public void Parses_elapsed_times(string text, double expected)
    {
        Assert.True(DurationText.TryParseSeconds(Encoding.UTF8.GetBytes(text), false, out double seconds));
        Assert.Equal(expected, seconds, 9);
    }

    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData("\"Step Type\",\"slot 3, rack B\",x", new[] { "Step Type", "slot 3, rack B", "x" })]
    [InlineData("\"say \"\"hi\"\"\",2", new[] { "say \"hi\"", "2" })]
    [InlineData("a,,c,", new[] { "a", "", "c", "" })]
    [InlineData("", new[] { "" })]
    public void Splits_fields_respecting_quotes(string line, string[] expected) =>
        Assert.Equal(expected, FieldSplitter.SplitToStrings(Encoding.UTF8.GetBytes(line), (byte)','));

    [Fact]
    public void Splitting_stops_after_the_needed_fields()
    {
        Span<FieldSlice> fields = stackalloc FieldSlice[2];
        ReadOnlySpan<byte> line = "1,\"2,5\",3,4"u8;
        Assert.Equal(2, FieldSplitter.Split(line, (byte)',', fields));
        Assert.Equal("2,5", Encoding.UTF8.GetString(fields[1].Of(line)));
    }

    [Fact]
    public void Line_reader_handles_crlf_bom_and_lines_longer_than_its_buffer()
    {
        string longLine = new('x', 10_000);
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"first\r\n{longLine}\nlast")];
        using var reader = new ByteLineReader(new MemoryStream(bytes), "t.txt", leaveOpen: false, bufferSize: 4096);
        var lines = new List<string>();
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            lines.Add(Encoding.UTF8.GetString(line));
        }

        Assert.Equal(["first", longLine, "last"], lines);
        Assert.Equal(3, reader.LineNumber);
    }
}
