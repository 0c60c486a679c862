using Twin.Drivers.Instruments;

namespace Twin.Drivers.Tests.Instruments;

public class ScpiProfileLoaderTests
{
    internal const string Keithley = """
        name: Keithley 2450 as a profile
        model_contains: "2450"
        connect: [":OUTP:SMOD HIMP", ":SOUR:CURR:READ:BACK ON"]
        source_current: [":SOUR:FUNC CURR", ":SENS:FUNC \"VOLT\"", ":SOUR:CURR:READ:BACK ON", ":SOUR:CURR:VLIM {voltage_limit_V}", ":SOUR:CURR {current_A}", ":OUTP ON"]
        source_voltage: [":SOUR:FUNC VOLT", ":SENS:FUNC \"CURR\"", ":SOUR:VOLT:READ:BACK ON", ":SOUR:VOLT:ILIM {current_limit_A}", ":SOUR:VOLT {voltage_V}", ":OUTP ON"]
        output_off: [":OUTP OFF"]
        measure: { query: ':READ? "defbuffer1", READ, SOUR, SEC, FRAC', fields: [voltage_V, current_A, time_unix_s, time_frac_s] }
        measure_while_sourcing_voltage: { query: ':READ? "defbuffer1", READ, SOUR, SEC, FRAC', fields: [current_A, voltage_V, time_unix_s, time_frac_s] }
        """;

    [Fact]
    public void Parses_a_complete_profile()
    {
        var p = ScpiProfileLoader.Parse(Keithley, "k2450.yaml");
        Assert.Equal("Keithley 2450 as a profile", p.Name);
        Assert.False(p.Reset);
        Assert.Equal(6, p.SourceCurrent.Count);
        Assert.Equal([ProfileField.VoltageV, ProfileField.CurrentA, ProfileField.TimeUnixS, ProfileField.TimeFracS], p.Measure.Fields);
        Assert.Equal(1, p.CurrentSign);
        Assert.Equal(":SOUR:CURR 0.0005", ScpiProfileLoader.Fill(":SOUR:CURR {current_A}", new Dictionary<string, double> { ["current_A"] = 0.0005 }));
    }

    [Theory]
    [InlineData("name: x\nsource_current: [\"I {current_A}\"]\noutput_off: [OFF]\nmeasure: {query: 'M?', fields: [voltage_V, current_A]}", "'source_current' must use {voltage_limit_V}")]
    [InlineData("name: x\nsource_current: [\"I {current_A} {voltage_V}\", \"L {voltage_limit_V}\"]\noutput_off: [OFF]\nmeasure: {query: 'M?', fields: [voltage_V, current_A]}", "uses {voltage_V}; allowed here: {current_A}, {current_mA}, {voltage_limit_V}")]
    [InlineData("name: x\nsource_current: [\"I {current_A}\", \"L {voltage_limit_V}\"]\nmeasure: {query: 'M?', fields: [voltage_V, current_A]}", "'output_off' is required")]
    [InlineData("name: x\nsource_current: [\"I {current_A}\", \"L {voltage_limit_V}\"]\noutput_off: [OFF]\nmeasure: {query: 'M?', fields: [volts, current_A]}", "unknown field 'volts'; expected one of")]
    [InlineData("name: x\nsource_current: [\"I {current_A}\", \"L {voltage_limit_V}\"]\noutput_off: [OFF]\nmeasure: {query: 'M?', fields: [current_A]}", "must contain voltage_V or voltage_mV")]
    [InlineData("name: x\nsource_current: [\"I {current_A}\", \"L {voltage_limit_V}\"]\noutput_off: [OFF]\nmeasure: {query: 'M?', fields: [voltage_V, current_A]}\ncurrent_sign: 2", "'current_sign' must be 1 or -1")]
    [InlineData("source_current: [\"I {current_A}\"]", "'name' is required")]
    [InlineData("name: [unclosed", "line")]
    public void Invalid_profiles_name_the_file_and_the_problem(string yaml, string expected)
    {
        var e = Assert.Throws<FormatException>(() => ScpiProfileLoader.Parse(yaml, "lab.yaml"));
        Assert.StartsWith("lab.yaml", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Reply_fields_must_be_complete_and_numeric()
    {
        Span<double> v = stackalloc double[3];
        Assert.True(ReplyFields.TryParseNumbers("4.1E+00, -1.0E-03,17", v));
        Assert.Equal(-0.001, v[1]);
        Assert.False(ReplyFields.TryParseNumbers("4.1,2", v));
        Assert.False(ReplyFields.TryParseNumbers("4.1,2,3,4", v));
        Assert.False(ReplyFields.TryParseNumbers("4.1,x,3", v));
        Assert.False(ReplyFields.TryParseNumbers("4.1,NaN,3", v));
    }
}
