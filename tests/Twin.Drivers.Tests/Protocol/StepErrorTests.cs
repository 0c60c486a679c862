using Twin.Drivers.Protocol;

namespace Twin.Drivers.Tests.Protocol;

public class StepErrorTests
{
    private static ProtocolSyntaxException Fails(string text) =>
        Assert.Throws<ProtocolSyntaxException>(() => ProtocolParser.ParseStep(text, 3, "protocol"));

    [Fact]
    public void Misspelt_keyword_shows_line_column_and_caret()
    {
        ProtocolSyntaxException e = Fails("Charge at C/5 untill 4.2 V");
        Assert.Equal("protocol", e.Origin);
        Assert.Equal(3, e.Line);
        Assert.Equal(15, e.Column);
        Assert.Equal("Charge at C/5 untill 4.2 V", e.LineText);
        Assert.Equal(
            "protocol line 3, column 15: expected 'until', 'for' or '(… period)' after the setpoint\n" +
            "  Charge at C/5 untill 4.2 V\n" +
            "                ^",
            e.Message);
        Assert.IsAssignableFrom<FormatException>(e);
    }

    [Theory]
    // text, column, fragment of the reason
    [InlineData("Charge at 1 X until 4.2 V", 13, "unknown unit 'X'")]
    [InlineData("Charge at 1 until 4.2 V", 13, "missing unit after '1'")]
    [InlineData("Charge at until 4.2 V", 11, "expected a current (1 A, 500 mA) or a C-rate (C/10, 0.5C), got 'until'")]
    [InlineData("Charge at", 10, "missing value")]
    [InlineData("Charge at C/10 until", 21, "missing value")]
    [InlineData("Charge at C/10", 15, "a Charge step needs a termination")]
    [InlineData("Charge C/10 until 4.2 V", 8, "expected 'at' after 'Charge'")]
    [InlineData("Charge at 4.2 V until 1 hour", 11, "a Charge step sources a current or C-rate, not a voltage")]
    [InlineData("Charge at C/10 until 50 mA", 22, "a Charge step cannot end on a current")]
    [InlineData("Discharge at C/10 until C/50", 25, "a Discharge step cannot end on a C-rate")]
    [InlineData("Hold at 4.2 V until 4.1 V", 21, "a Hold step cannot end on a voltage")]
    [InlineData("Hold at 1 A until 4.2 V", 9, "a Hold step needs a voltage setpoint")]
    [InlineData("Hold at 4.2 V", 14, "a Hold step needs a termination")]
    [InlineData("Rest", 5, "a Rest step needs a duration")]
    [InlineData("Rest until 4.0 V", 6, "a Rest step needs a duration")]
    [InlineData("Rest at 1 A for 1 h", 6, "a Rest step takes no setpoint")]
    [InlineData("Rest for 1 hour or until 3.5 V", 26, "a Rest step ends only on a duration")]
    [InlineData("Rest for 4.2 V", 10, "expected a duration after 'for'")]
    [InlineData("Rest for 10 fortnights", 13, "unknown unit 'fortnights'")]
    [InlineData("Charge at -1 A until 4.2 V", 11, "values must be positive, got '-1'")]
    [InlineData("Charge at 0 A until 4.2 V", 11, "values must be positive, got '0'")]
    [InlineData("Charge at C/0 until 4.2 V", 13, "values must be positive, got '0'")]
    [InlineData("Charge at 1e999 A until 4.2 V", 11, "is not a finite number")]
    [InlineData("Charge at C/5 until c_Li 1.2", 26, "lithium content must lie in (0, 1]")]
    [InlineData("Charge at C/5 until c_Li", 25, "expected a lithium content after 'c_Li'")]
    [InlineData("Charge at C 10 until 4.2 V", 13, "expected '/' after 'C'")]
    [InlineData("Discharge at 2 W for 1 hour", 14, "power setpoints and limits ('2 W') are not supported")]
    [InlineData("Discharge at 4 Ohm until 3 V", 14, "resistance setpoints and limits ('4 Ohm') are not supported")]
    [InlineData("Run US06 (A)", 1, "drive-cycle steps ('Run …') are not supported")]
    [InlineData("Sleep for 1 hour", 1, "unknown step 'Sleep'")]
    [InlineData("", 1, "empty step")]
    [InlineData("Charge at C/5 until 4.2 V 3 h", 27, "expected 'or', '(… period)' or end of step after the limit, got '3'")]
    [InlineData("Charge at C/5 until 4.2 V or 4.1 V", 30, "duplicate voltage limit")]
    [InlineData("Charge at 1 A for 1 h until 4.2 V", 23, "expected 'or until', '(… period)' or end of step after the duration")]
    [InlineData("Charge at C/5 until 4.2 V (10 second)", 37, "expected 'period'")]
    [InlineData("Charge at C/5 until 4.2 V (10 second period", 44, "expected ')' to close the sampling period")]
    [InlineData("Charge at C/5 until 4.2 V (4 V period)", 28, "a sampling period is a duration")]
    [InlineData("Charge at C/5 until 4.2 V (1 s period) x", 40, "unexpected 'x' after the sampling period")]
    [InlineData("Charge at C/5 for 1 hour or until 10 s", 35, "duplicate duration limit")]
    [InlineData("Charge at 1 h until 4.2 V", 11, "a Charge step needs a current or C-rate setpoint, got a duration")]
    public void Bad_steps_name_the_problem_and_column(string text, int column, string reason)
    {
        ProtocolSyntaxException e = Fails(text);
        Assert.Contains(reason, e.Reason);
        Assert.Equal(column, e.Column);
        Assert.Equal(3, e.Line);
        Assert.StartsWith($"protocol line 3, column {column}: ", e.Message);
        // The caret sits under the column.
        string[] lines = e.Message.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal(column - 1 + 2, lines[2].IndexOf('^'));
    }

    [Fact]
    public void Multi_line_text_is_rejected_by_ParseStep()
    {
        ProtocolSyntaxException e = Fails("Rest for 1 h\nRest for 2 h");
        Assert.Contains("single line", e.Reason);
    }

    [Fact]
    public void Null_text_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => ProtocolParser.ParseStep(null!));
    }

    [Theory]
    [InlineData("Charge at C/5 until 4.2 V ((")]
    [InlineData("Hold at ) V")]
    [InlineData("Charge at C/ until")]
    [InlineData("Charge at ..5 A until 4 V")]
    [InlineData("Charge at 1 A until c_Li = = 0.4")]
    [InlineData("Repeat 2 times:")]
    [InlineData("Charge at 1 A for -- 2 s")]
    [InlineData("Charge at 1 A until 4.2 V or")]
    [InlineData("Charge at 1 A until 4.2 V (")]
    [InlineData("Charge at 1 A until 4.2 V (1")]
    [InlineData("Charge at 1 A until 4.2 V (1 s")]
    [InlineData("\u00e9\u00e8 at 1 A")]
    [InlineData("+")]
    [InlineData("-.")]
    public void Garbage_only_ever_throws_ProtocolSyntaxException(string text)
    {
        Assert.Throws<ProtocolSyntaxException>(() => ProtocolParser.ParseStep(text));
    }
}
