using Twin.Drivers.IoBox;
using Twin.Drivers.Triggers;
using Twin.Service.Config;
using Twin.Service.Instruments;

namespace Twin.Service.Tests.Config;

/// <summary>The experiment file's <c>instrument.io_box</c> (Arduino I/O box over Firmata) and its <c>io_box</c> trigger.</summary>
public sealed class IoBoxSectionTests
{
    private static string Yaml(string ioBox, string patterns = "") => $$"""
        site: id31
        cells:
          - id: coin-1
            material: NMC811
            q_li_Ah: 0.005
            c_li0: 0.9
            instrument:
              address: tcp://127.0.0.1:5025
              nominal_capacity_Ah: 0.0045
              limits: { max_voltage_V: 4.25, min_voltage_V: 2.5, max_current_A: 0.01, max_temperature_C: 45 }
              protocol: Rest for 1 minute
        {{ioBox}}
        {{patterns}}
        """;

    private static InstrumentConfig Instrument(string yaml) => ExperimentFile.Parse(yaml, "exp.yaml").Single().Instrument!;

    [Fact]
    public void The_section_gives_address_pins_sensor_and_staleness_and_the_factory_wraps_the_smu_and_builds_the_trigger()
    {
        var i = Instrument(Yaml(
            "      io_box: { address: \"serial:///dev/ttyACM0?baud=57600\", temperature_pin: A2, trigger_pin: 7, stale_after_s: 2.5, sampling_interval_ms: 50, sensor: { offset_V: 0.4, scale_V_per_C: 0.0195 } }",
            "      patterns: { trigger: \"io_box?width_ms=20&polarity=low\", schedule: every 0.02 c_Li, exposure_s: 10 }"));
        var box = i.IoBox!;
        Assert.Equal("serial:///dev/ttyACM0?baud=57600", box.Address);
        Assert.Equal((2, 7), (box.Options.TemperatureChannel, box.Options.TriggerPin));
        Assert.Equal(TimeSpan.FromSeconds(2.5), box.Options.StaleAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(50), box.Options.SamplingInterval);
        Assert.Equal((0.4, 0.0195, 5.0), (box.Options.Conversion.OffsetV, box.Options.Conversion.ScaleVPerC, box.Options.Conversion.ReferenceV));

        var smu = InstrumentFactory.CreateSourceMeter(i, ".");
        var wrapped = Assert.IsType<TemperatureSourceMeter>(smu);
        Assert.Equal("serial:///dev/ttyACM0?baud=57600", wrapped.Box.Endpoint);
        var plan = InstrumentFactory.CreatePatternPlan(i.Patterns, smu)!;
        var trigger = Assert.IsType<FirmataPulseTrigger>(plan.Trigger);
        Assert.StartsWith("firmata pin 7 serial:///dev/ttyACM0", trigger.Name);
    }

    [Fact]
    public void Defaults_are_a_tmp36_on_a0_without_a_trigger()
    {
        var box = Instrument(Yaml("      io_box: { address: \"serial:///dev/ttyACM0?baud=57600\" }")).IoBox!;
        Assert.Equal(0, box.Options.TemperatureChannel);
        Assert.Null(box.Options.TriggerPin);
        Assert.Equal(new AnalogTemperatureConversion(), box.Options.Conversion);
        Assert.Null(Instrument(Yaml("")).IoBox);
    }

    [Theory]
    [InlineData("      io_box: { temperature_pin: A0 }", "'address' is required")]
    [InlineData("      io_box: { address: \"com3\" }", "address:")]
    [InlineData("      io_box: { address: \"serial:///dev/ttyACM0\", temperature_pin: D7 }", "'temperature_pin': 'D7' is not an analog input; expected A0–A15")]
    [InlineData("      io_box: { address: \"serial:///dev/ttyACM0\", temperature_pin: A16 }", "expected A0–A15")]
    [InlineData("      io_box: { address: \"serial:///dev/ttyACM0\", stale_after_s: 0 }", "'stale_after_s' must be a positive number of seconds")]
    [InlineData("      io_box: { address: \"serial:///dev/ttyACM0\", trigger_pin: 200 }", "trigger pin must be a digital pin 0–127")]
    [InlineData("      io_box: { address: \"serial:///dev/ttyACM0\", sensor: { scale_V_per_C: 0 } }", "sensor scale must be a positive number of V/°C")]
    public void Invalid_io_box_fields_are_named(string section, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Instrument(Yaml(section)));
        Assert.Contains("io_box", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_io_box_trigger_needs_an_io_box_with_a_trigger_pin()
    {
        var e = Assert.Throws<FormatException>(() => Instrument(Yaml("      io_box: { address: \"serial:///dev/ttyACM0\" }",
            "      patterns: { trigger: io_box, schedule: every 0.02 c_Li, exposure_s: 10 }")));
        Assert.Contains("'trigger_pin:'", e.Message);
        var i = Instrument(Yaml("      io_box: { address: \"serial:///dev/ttyACM0\", trigger_pin: 7 }",
            "      patterns: { trigger: \"io_box?width_ms=0.1\", schedule: every 0.02 c_Li, exposure_s: 10 }"));
        var smu = InstrumentFactory.CreateSourceMeter(i, ".");
        Assert.Contains("width_ms '0.1' is not a pulse width of 1–10000 ms", Assert.Throws<FormatException>(() => InstrumentFactory.CreatePatternPlan(i.Patterns, smu)).Message);
    }
}
