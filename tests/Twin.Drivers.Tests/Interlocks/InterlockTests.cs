using Twin.Drivers.Instruments;
using Twin.Drivers.Interlocks;

namespace Twin.Drivers.Tests.Interlocks;

public class InterlockTests
{
    private static readonly Interlock Lock = new(new HardLimits(4.25, 2.5, 0.01, 45));

    [Fact]
    public void Setpoints_within_limits_get_compliance_never_above_the_hard_limit()
    {
        Assert.Equal(4.25, Lock.CheckCurrentSetpoint(0.005));
        Assert.Equal(4.25, Lock.CheckCurrentSetpoint(-0.005, 4.5));
        Assert.Equal(4.1, Lock.CheckCurrentSetpoint(0.005, 4.1));
        Assert.Equal(0.01, Lock.CheckVoltageSetpoint(4.2));
        Assert.Equal(0.002, Lock.CheckVoltageSetpoint(4.2, -0.002));
    }

    [Theory]
    [InlineData(0.02, "exceeds the hard limit")]
    [InlineData(-0.011, "exceeds the hard limit")]
    [InlineData(double.NaN, "not a finite number")]
    public void Current_setpoints_outside_limits_are_refused(double current, string expected)
    {
        var e = Assert.Throws<InterlockException>(() => Lock.CheckCurrentSetpoint(current));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(4.3)]
    [InlineData(2.4)]
    public void Voltage_setpoints_outside_the_window_are_refused(double v)
    {
        var e = Assert.Throws<InterlockException>(() => Lock.CheckVoltageSetpoint(v));
        Assert.Contains("outside the hard window 2.500–4.250 V", e.Message);
    }

    [Fact]
    public void Readings_trip_on_each_limit_and_name_it()
    {
        Assert.Null(Lock.Check(new SmuReading(1, 4.2, 0.005, 30, false)));
        Assert.Equal("voltage 4.300 V above the hard limit 4.250 V", Lock.Check(new SmuReading(1, 4.3, 0.005, null, false))!.ToString());
        Assert.Equal("voltage 2.400 V below the hard limit 2.500 V", Lock.Check(new SmuReading(1, 2.4, -0.005, null, false))!.ToString());
        Assert.Equal("current", Lock.Check(new SmuReading(1, 3.7, 0.0102, null, false))!.Quantity);
        Assert.Equal("temperature", Lock.Check(new SmuReading(1, 3.7, 0.001, 46, false))!.Quantity);
    }

    [Fact]
    public void Inconsistent_limits_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Interlock(new HardLimits(2.5, 4.2, 0.01)));
        Assert.Throws<ArgumentException>(() => new Interlock(new HardLimits(4.2, 2.5, 0)));
    }

    [Fact]
    public void Permissions_check_role_and_verb()
    {
        var p = CommandPermissions.Default;
        p.Check("end-step", "twin");
        p.Check("abort", "operator");
        Assert.Contains("role 'viewer' may not send 'abort'; allowed: operator", Assert.Throws<InterlockException>(() => p.Check("abort", "viewer")).Message);
        Assert.Contains("unknown command 'format-disk'", Assert.Throws<InterlockException>(() => p.Check("format-disk", "operator")).Message);
        Assert.Throws<ArgumentException>(() => new CommandPermissions(new Dictionary<string, IReadOnlyCollection<string>> { ["reboot"] = ["operator"] }));
    }
}
