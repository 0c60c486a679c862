using System.Buffers;
using System.Text;
using Twin.Storage.LineProtocol;

namespace Twin.Storage.Tests.LineProtocol;

public class LineProtocolEncoderTests
{
    private static string Encode(LinePoint p, LineProtocolOptions? o = null) => new LineProtocolEncoder(o).EncodeToString([p]);

    [Fact]
    public void Writes_the_reference_example()
    {
        // Line protocol reference / 1.x "Writing data with the HTTP API" example.
        var p = LinePoint.Builder("cpu_load_short").Tag("host", "server01").Tag("region", "us-west")
            .Field("value", 0.64).Timestamp(1434055562000000000).Build();
        Assert.Equal("cpu_load_short,host=server01,region=us-west value=0.64 1434055562000000000\n", Encode(p));
    }

    [Fact]
    public void Escapes_the_special_characters_example_of_the_reference()
    {
        // "Write a point with special characters" of the 1.x line protocol reference.
        var p = new LinePoint("\"measurement with quo⚡️es and emoji\"",
            [new("tag key with sp🚀ces", "tag,value,with\"commas\"")],
            [LineField.String("field_k\\ey", "string field value, only \" need be esc🍭ped")], 0);
        Assert.Equal(
            "\"measurement\\ with\\ quo⚡️es\\ and\\ emoji\",tag\\ key\\ with\\ sp🚀ces=tag\\,value\\,with\"commas\" " +
            "field_k\\ey=\"string field value, only \\\" need be esc🍭ped\" 0\n", Encode(p));
    }

    [Fact]
    public void Escapes_each_element_by_its_own_rules()
    {
        var p = new LinePoint("m,e a=s", [new("k,e y=", "v,a l=ue")], [LineField.String("f,k =", "a\\b\"c=d,e f")], 1);
        // Measurement: comma and space only; keys and tag values: comma, equals, space; strings: quote and backslash.
        Assert.Equal("m\\,e\\ a=s,k\\,e\\ y\\==v\\,a\\ l\\=ue f\\,k\\ \\==\"a\\\\b\\\"c=d,e f\" 1\n", Encode(p));
    }

    [Fact]
    public void Writes_every_field_type()
    {
        var p = new LinePoint("m",
            [LineField.Float("f", 3.71), LineField.Float("neg0", -0.0), LineField.Float("big", 1e308), LineField.Float("tiny", double.Epsilon),
             LineField.Integer("i", -9223372036854775808), LineField.Integer("j", 123), LineField.Boolean("t", true), LineField.Boolean("n", false),
             LineField.String("s", ""), LineField.Unsigned("u", ulong.MaxValue)],
            -1);
        Assert.Equal("m f=3.71,neg0=-0,big=1E+308,tiny=5E-324,i=-9223372036854775808i,j=123i,t=true,n=false,s=\"\",u=18446744073709551615u -1\n",
            Encode(p, new LineProtocolOptions { AllowUnsigned = true }));
    }

    [Fact]
    public void Unsigned_fields_are_opt_in_with_a_message_naming_point_and_field()
    {
        var p = LinePoint.Builder("telemetry").Tag("cell", "c1").Field("count", 5UL).Timestamp(1).Build();
        var e = Assert.Throws<ArgumentException>(() => Encode(p));
        Assert.Contains("telemetry,cell=c1", e.Message, StringComparison.Ordinal);
        Assert.Contains("'count'", e.Message, StringComparison.Ordinal);
        Assert.Contains("AllowUnsigned", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sorts_tags_by_utf8_bytes_and_omits_empty_values()
    {
        // U+1F600 (4 UTF-8 bytes starting F0) sorts after U+FFFD (EF BF BD) in byte order, though not in UTF-16 order.
        var p = new LinePoint("m", [new("😀", "x"), new("\uFFFD", "y"), new("b", "2"), new("a", "1"), new("empty", "")],
            [LineField.Integer("v", 1)], 0);
        Assert.Equal("m,a=1,b=2,\uFFFD=y,😀=x v=1i 0\n", Encode(p));
        Assert.Null(p.GetTag("empty"));
    }

    [Theory]
    [InlineData(TimestampPrecision.Nanoseconds, 1_700_000_000_123_456_789L, "1700000000123456789")]
    [InlineData(TimestampPrecision.Microseconds, 1_700_000_000_123_456_789L, "1700000000123456")]
    [InlineData(TimestampPrecision.Milliseconds, 1_700_000_000_123_456_789L, "1700000000123")]
    [InlineData(TimestampPrecision.Seconds, 1_700_000_000_123_456_789L, "1700000000")]
    [InlineData(TimestampPrecision.Milliseconds, -1L, "-1")]
    [InlineData(TimestampPrecision.Seconds, -1_500_000_000L, "-2")]
    public void Writes_timestamps_at_the_chosen_precision_rounding_down(TimestampPrecision precision, long ns, string expected)
    {
        var p = new LinePoint("m", [LineField.Integer("v", 1)], ns);
        Assert.Equal($"m v=1i {expected}\n", Encode(p, new LineProtocolOptions { Precision = precision }));
    }

    [Theory]
    [InlineData(TimestampPrecision.Nanoseconds, "ns", "ns")]
    [InlineData(TimestampPrecision.Microseconds, "u", "us")]
    [InlineData(TimestampPrecision.Milliseconds, "ms", "ms")]
    [InlineData(TimestampPrecision.Seconds, "s", "s")]
    public void Names_the_precision_parameter_of_each_api(TimestampPrecision precision, string v1, string v2)
    {
        Assert.Equal(v1, precision.ToV1Parameter());
        Assert.Equal(v2, precision.ToV2Parameter());
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Rejects_non_finite_floats_naming_point_and_field(double value, string word)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            LinePoint.Builder("telemetry").Tag("site", "s").Tag("cell", "c0042").Field("voltage_V", 3.7).Field("current_A", value).Timestamp(1).Build());
        Assert.Contains("'telemetry,cell=c0042,site=s'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'current_A'", e.Message, StringComparison.Ordinal);
        Assert.Contains(word, e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Func<LinePoint>, string> InvalidPoints => new()
    {
        { () => new LinePoint("", [LineField.Integer("v", 1)], 0), "measurement name is empty" },
        { () => new LinePoint("#m", [LineField.Integer("v", 1)], 0), "comment" },
        { () => new LinePoint("m", [], 0), "no fields" },
        { () => new LinePoint("m", [new("", "x")], [LineField.Integer("v", 1)], 0), "tag key is empty" },
        { () => new LinePoint("m", [LineField.Integer("", 1)], 0), "field key is empty" },
        { () => new LinePoint("m", [LineField.Integer("time", 1)], 0), "reserved" },
        { () => new LinePoint("m", [new("time", "x")], [LineField.Integer("v", 1)], 0), "reserved" },
        { () => new LinePoint("m", [new("a", "1"), new("a", "2")], [LineField.Integer("v", 1)], 0), "more than once" },
        { () => new LinePoint("m", [LineField.Integer("v", 1), LineField.Float("v", 2)], 0), "more than once" },
        { () => new LinePoint("m", [new("a", "x\ny")], [LineField.Integer("v", 1)], 0), "newline" },
        { () => new LinePoint("m", [LineField.String("s", "x\r\ny")], 0), "newline" },
        { () => new LinePoint("m", [LineField.String("s", "x\uD800y")], 0), "surrogate" },
        { () => new LinePoint("m\uDC00", [LineField.Integer("v", 1)], 0), "surrogate" },
        { () => new LinePoint("m", [new("a", "ends\\")], [LineField.Integer("v", 1)], 0), "ends with a backslash" },
        { () => new LinePoint("m", [new("a", "x\\,y")], [LineField.Integer("v", 1)], 0), "backslash before ','" },
        { () => new LinePoint("m", [LineField.Integer("k\\\"", 1)], 0), "backslash before '\"'" },
        { () => new LinePoint("m", [LineField.String("s", null!)], 0), "null" },
        { () => new LinePoint("m", [LineField.Integer("v", 1)], long.MaxValue), "outside InfluxDB's range" },
    };

    [Theory]
    [MemberData(nameof(InvalidPoints))]
    public void Rejects_points_that_break_the_rules_with_a_clear_message(Func<LinePoint> build, string expected)
    {
        var e = Assert.Throws<ArgumentException>(build);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("point '", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Literal_backslashes_that_influx_keeps_are_allowed()
    {
        var p = new LinePoint("a\\b", [new("k\\x", "v\\\\w")], [LineField.Float("f\\y", 1.5)], 0);
        Assert.Equal("a\\b,k\\x=v\\\\w f\\y=1.5 0\n", Encode(p));
    }

    [Fact]
    public void Round_trips_through_the_parser()
    {
        var points = new[]
        {
            new LinePoint("m m,=\"", [new("t k,=", "v v,=\\x\"🚀"), new("𝄞", "é")],
                [LineField.String("s", "a\\\\b\"c\\"), LineField.Float("f", -1.25e-300), LineField.Integer("i", long.MinValue),
                 LineField.Unsigned("u", 42), LineField.Boolean("b", false), LineField.String("k\"q", "")], -123456789),
            LinePoint.Builder("telemetry").Tag("site", "s").Tag("cell", "c0042").Tag("material", "NMC811")
                .Field("voltage_V", 3.71).Field("current_A", 0.52).Field("charge_Ah", 1.234).Field("seq", 123L).Timestamp(1_700_000_000_000_000_001).Build(),
        };
        string text = new LineProtocolEncoder(new LineProtocolOptions { AllowUnsigned = true }).EncodeToString(points);
        var parsed = LineProtocolParser.Parse(text);
        Assert.Equal(points.Length, parsed.Count);
        for (int i = 0; i < points.Length; i++)
        {
            Assert.Equal(points[i].Measurement, parsed[i].Measurement);
            Assert.Equal(points[i].Tags.ToArray(), parsed[i].Tags.ToArray());
            Assert.Equal(points[i].Fields.ToArray(), parsed[i].Fields.ToArray());
            Assert.Equal(points[i].TimestampNs, parsed[i].TimestampNs);
        }
    }

    [Fact]
    public void Encoding_does_not_allocate_per_point()
    {
        var encoder = new LineProtocolEncoder();
        var point = LinePoint.Builder("telemetry").Tag("site", "s").Tag("cell", "c0042").Tag("material", "NMC811")
            .Field("voltage_V", 3.71).Field("current_A", 0.52).Field("charge_Ah", 1.234).Field("seq", 123L).Field("note", "a \"b\"").Timestamp(1).Build();
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        for (int i = 0; i < 1000; i++)
        {
            encoder.Encode(point, buffer);
        }
        buffer.ResetWrittenCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5000; i++)
        {
            encoder.Encode(point, buffer);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 5000, $"encoding 5,000 points allocated {allocated} bytes");
        Assert.Equal(
            "telemetry,cell=c0042,material=NMC811,site=s voltage_V=3.71,current_A=0.52,charge_Ah=1.234,seq=123i,note=\"a \\\"b\\\"\" 1\n",
            Encoding.UTF8.GetString(buffer.WrittenSpan[..(buffer.WrittenCount / 5000)]));
    }
}
