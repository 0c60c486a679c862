using Twin.FirmwareSim.Smu;

namespace Twin.FirmwareSim.Tests.Smu;

public sealed class ScpiHeaderPatternTests
{
    [Theory]
    [InlineData(":SOUR:CURR:VLIM", true)]
    [InlineData("sour:curr:vlim", true)]
    [InlineData(":SOURCE1:CURRENT:VLIMIT:LEVEL", true)]
    [InlineData(":Source:Current:VLimit:Lev", true)]
    [InlineData(":SOUR2:CURR:VLIM", false)]
    [InlineData(":SOURC:CURR:VLIM", false)]
    [InlineData(":SOUR:CURR", false)]
    [InlineData(":SOUR:CURR:VLIM:LEV:TRIP", false)]
    [InlineData(":SOUR::CURR:VLIM", false)]
    public void Matches_short_long_suffix_and_optional_nodes(string header, bool expected) =>
        Assert.Equal(expected, new ScpiHeaderPattern("SOURce#:CURRent:VLIMit:[LEVel]").Matches(header));

    [Fact]
    public void Parser_splits_units_outside_quotes_and_applies_the_path()
    {
        var units = ScpiProgramParser.Parse(":SENS:FUNC \"VOLT;CURR\";NPLC 1;*OPC?; :TRAC:DATA? 1, 2, \"defbuffer1\", READ", out var alternatives);
        Assert.Equal(4, units.Count);
        Assert.Equal(":SENS:FUNC", units[0].Header);
        Assert.Equal(["\"VOLT;CURR\""], units[0].Parameters);
        Assert.Equal(":SENS:NPLC", units[1].Header);
        Assert.Equal(":NPLC", alternatives[1]!.Header);
        Assert.True(units[2].IsQuery);
        Assert.Equal("*OPC", units[2].Header);
        Assert.Equal(["1", "2", "\"defbuffer1\"", "READ"], units[3].Parameters);
        Assert.Equal("VOLT;CURR", ScpiProgramParser.Unquote(units[0].Parameters[0]));
    }
}
