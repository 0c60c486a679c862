using Twin.Drivers.IoBox;

namespace Twin.Drivers.Tests.IoBox;

/// <summary>The TMP36 conversion and the I/O box settings.</summary>
public sealed class IoBoxOptionsTests
{
    [Theory]
    [InlineData(153u, 24.951)]  // (153.5 · 5 V / 1024 − 0.5 V) / 10 mV/°C
    [InlineData(102u, 0.049)]
    [InlineData(20u, -39.990)]
    [InlineData(358u, 125.049)]
    public void Counts_convert_through_the_middle_of_their_step(uint counts, double celsius) =>
        Assert.Equal(celsius, new AnalogTemperatureConversion().ToCelsius(counts, 10), 3);

    [Fact]
    public void Another_linear_sensor_and_reference_are_parameters()
    {
        var lm35On33V = new AnalogTemperatureConversion { OffsetV = 0, ScaleVPerC = 0.010, ReferenceV = 3.3 };
        Assert.Equal((100 + 0.5) * 3.3 / 1024 / 0.010, lm35On33V.ToCelsius(100, 10), 9);
        Assert.Equal(3.3 / 4096 / 0.010, lm35On33V.StepC(12), 12);
    }

    [Theory]
    [InlineData("A0", 0)]
    [InlineData("a5", 5)]
    [InlineData(" 3 ", 3)]
    [InlineData("A15", 15)]
    public void Analog_pin_names_parse(string text, int channel) => Assert.Equal(channel, IoBoxOptions.ParseAnalogChannel(text, "temperature_pin"));

    [Theory]
    [InlineData("A16")]
    [InlineData("D7")]
    [InlineData("-1")]
    [InlineData("")]
    public void Other_pin_names_are_refused_naming_the_input(string text)
    {
        var e = Assert.Throws<FormatException>(() => IoBoxOptions.ParseAnalogChannel(text, "io_box.temperature_pin"));
        Assert.Equal($"io_box.temperature_pin: '{text}' is not an analog input; expected A0–A15", e.Message);
    }

    [Fact]
    public void Invalid_settings_say_what_was_expected()
    {
        Assert.Contains("stale-after must be positive", Assert.Throws<ArgumentException>(() => new IoBoxOptions { StaleAfter = TimeSpan.Zero }.Validate()).Message);
        Assert.Contains("must be shorter than stale-after", Assert.Throws<ArgumentException>(() =>
            new IoBoxOptions { SamplingInterval = TimeSpan.FromSeconds(2), StaleAfter = TimeSpan.FromSeconds(1) }.Validate()).Message);
        Assert.Contains("valid temperature range", Assert.Throws<ArgumentException>(() =>
            new IoBoxOptions { Conversion = new AnalogTemperatureConversion { MinValidC = 50, MaxValidC = 20 } }.Validate()).Message);
        Assert.Contains("ADC reference must be a positive voltage", Assert.Throws<ArgumentException>(() =>
            new AnalogTemperatureConversion { ReferenceV = double.NaN }.Validate()).Message);
    }
}
