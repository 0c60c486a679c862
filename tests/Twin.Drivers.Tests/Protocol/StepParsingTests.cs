using Twin.Drivers.Protocol;

namespace Twin.Drivers.Tests.Protocol;

public class StepParsingTests
{
    private static void AssertLimits(ProtocolStep step, params (LimitKind Kind, double Value)[] expected)
    {
        Assert.Equal(expected.Length, step.Until.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Kind, step.Until[i].Kind);
            Assert.Equal(expected[i].Value, step.Until[i].Value, 12);
        }
    }

    [Theory]
    [InlineData("Rest for 10 minutes", 600)]
    [InlineData("Rest for 1 hour", 3600)]
    [InlineData("Rest for 30 s", 30)]
    [InlineData("Rest for 30 sec", 30)]
    [InlineData("Rest for 1 second", 1)]
    [InlineData("Rest for 45 seconds", 45)]
    [InlineData("Rest for 2 min", 120)]
    [InlineData("Rest for 1 minute", 60)]
    [InlineData("Rest for 1.5 h", 5400)]
    [InlineData("Rest for 2 hr", 7200)]
    [InlineData("Rest for 3 hours", 10800)]
    [InlineData("Rest for 1 day", 86400)]
    [InlineData("Rest for 2 days", 172800)]
    [InlineData("REST FOR 10 MINUTES", 600)]
    [InlineData("rest for 10min", 600)]
    public void Rest_durations_convert_to_seconds(string text, double seconds)
    {
        ProtocolStep step = ProtocolParser.ParseStep(text);
        Assert.Equal(ProtocolAction.Rest, step.Action);
        Assert.Null(step.Setpoint);
        AssertLimits(step, (LimitKind.Duration, seconds));
        Assert.Null(step.SamplePeriodS);
        Assert.Equal(text, step.Text);
    }

    [Theory]
    [InlineData("Charge at C/10 until 4.2 V", LimitKind.CRate, 0.1)]
    [InlineData("Charge at 0.5C until 4.2 V", LimitKind.CRate, 0.5)]
    [InlineData("Charge at 2C until 4.2 V", LimitKind.CRate, 2.0)]
    [InlineData("Charge at 0.1 C until 4.2 V", LimitKind.CRate, 0.1)]
    [InlineData("Charge at c/200 until 4.2 V", LimitKind.CRate, 0.005)]
    [InlineData("Charge at 1 A until 4.2 V", LimitKind.Current, 1.0)]
    [InlineData("Charge at 500 mA until 4.2 V", LimitKind.Current, 0.5)]
    [InlineData("Charge at 250 µA until 4.2 V", LimitKind.Current, 250e-6)]
    [InlineData("Charge at 250 uA until 4.2 V", LimitKind.Current, 250e-6)]
    [InlineData("Charge at 1.5e-3 A until 4.2 V", LimitKind.Current, 1.5e-3)]
    [InlineData("charge AT 500MA UNTIL 4.2v", LimitKind.Current, 0.5)]
    public void Charge_setpoints_convert(string text, LimitKind unit, double value)
    {
        ProtocolStep step = ProtocolParser.ParseStep(text);
        Assert.Equal(ProtocolAction.Charge, step.Action);
        Assert.NotNull(step.Setpoint);
        Assert.Equal(unit, step.Setpoint!.Unit);
        Assert.Equal(value, step.Setpoint.Value, 12);
        AssertLimits(step, (LimitKind.Voltage, 4.2));
    }

    [Fact]
    public void Charge_for_a_duration()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Charge at 1C for 30 minutes");
        Assert.Equal(new StepSetpoint(1.0, LimitKind.CRate), step.Setpoint);
        AssertLimits(step, (LimitKind.Duration, 1800));
    }

    [Fact]
    public void Charge_for_a_duration_or_until_a_voltage()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Charge at 500 mA for 2 hours or until 4.2 V");
        Assert.Equal(new StepSetpoint(0.5, LimitKind.Current), step.Setpoint);
        AssertLimits(step, (LimitKind.Duration, 7200), (LimitKind.Voltage, 4.2));
    }

    [Theory]
    [InlineData("Charge at C/5 until c_Li 0.42")]
    [InlineData("Charge at C/5 until c_Li = 0.42")]
    [InlineData("Charge at C/5 until C_LI=0.42")]
    public void Charge_until_lithium_content(string text)
    {
        ProtocolStep step = ProtocolParser.ParseStep(text);
        Assert.Equal(new StepSetpoint(0.2, LimitKind.CRate), step.Setpoint);
        AssertLimits(step, (LimitKind.LithiumContent, 0.42));
    }

    [Fact]
    public void Charge_until_lithium_content_or_voltage()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Charge at C/3 until c_Li 0.42 or 4.2 V");
        AssertLimits(step, (LimitKind.LithiumContent, 0.42), (LimitKind.Voltage, 4.2));
    }

    [Fact]
    public void Discharge_until_voltage()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Discharge at 1 A until 2.5 V");
        Assert.Equal(ProtocolAction.Discharge, step.Action);
        Assert.Equal(new StepSetpoint(1.0, LimitKind.Current), step.Setpoint);
        AssertLimits(step, (LimitKind.Voltage, 2.5));
    }

    [Fact]
    public void Discharge_until_voltage_or_duration()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Discharge at C/5 until 3.0 V or 10 hours");
        Assert.Equal(new StepSetpoint(0.2, LimitKind.CRate), step.Setpoint);
        AssertLimits(step, (LimitKind.Voltage, 3.0), (LimitKind.Duration, 36000));
    }

    [Fact]
    public void Discharge_until_millivolts()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Discharge at 2 mA until 2800 mV");
        AssertLimits(step, (LimitKind.Voltage, 2.8));
        Assert.Equal(0.002, step.Setpoint!.Value, 15);
    }

    [Fact]
    public void Hold_until_c_rate_or_duration()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Hold at 4.2 V until C/200 or 90 minutes");
        Assert.Equal(ProtocolAction.Hold, step.Action);
        Assert.Equal(new StepSetpoint(4.2, LimitKind.Voltage), step.Setpoint);
        AssertLimits(step, (LimitKind.CRate, 0.005), (LimitKind.Duration, 5400));
    }

    [Fact]
    public void Hold_until_current()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Hold at 4.2 V until 50 mA");
        AssertLimits(step, (LimitKind.Current, 0.05));
    }

    [Fact]
    public void Hold_for_duration()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Hold at 4.2 V for 1 hour");
        AssertLimits(step, (LimitKind.Duration, 3600));
    }

    [Fact]
    public void Hold_in_millivolts_until_lithium_content()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Hold at 4150 mV until c_Li 0.4 or 2 h");
        Assert.Equal(4.15, step.Setpoint!.Value, 12);
        AssertLimits(step, (LimitKind.LithiumContent, 0.4), (LimitKind.Duration, 7200));
    }

    [Theory]
    [InlineData("Charge at C/5 until 4.2 V (10 second period)", 10)]
    [InlineData("Charge at C/5 until 4.2 V (1 minute period)", 60)]
    [InlineData("Rest for 1 hour (30 s period)", 30)]
    [InlineData("Hold at 4.2 V until C/50 (0.5 seconds period)", 0.5)]
    [InlineData("Discharge at 1 A for 1 h or until 3 V (2 min period)", 120)]
    [InlineData("Charge at C/5 until 4.2 V(10 second period)", 10)]
    public void Sampling_periods(string text, double periodS)
    {
        ProtocolStep step = ProtocolParser.ParseStep(text);
        Assert.Equal(periodS, step.SamplePeriodS!.Value, 12);
    }

    [Fact]
    public void Trailing_comment_and_whitespace_are_ignored()
    {
        ProtocolStep step = ProtocolParser.ParseStep("  Rest for 5 minutes   # settle ");
        Assert.Equal("Rest for 5 minutes", step.Text);
        AssertLimits(step, (LimitKind.Duration, 300));
    }

    [Fact]
    public void Line_number_is_kept()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Rest for 5 minutes", line: 7, origin: "x.txt");
        Assert.Equal(7, step.Line);
    }

    [Fact]
    public void Or_until_may_repeat_until()
    {
        ProtocolStep step = ProtocolParser.ParseStep("Discharge at 1 A until 3 V or until 2 hours");
        AssertLimits(step, (LimitKind.Voltage, 3.0), (LimitKind.Duration, 7200));
    }
}
