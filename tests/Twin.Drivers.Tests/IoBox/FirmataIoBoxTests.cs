using System.Diagnostics;
using Twin.Drivers.Instruments;
using Twin.Drivers.IoBox;
using Twin.FirmwareSim.Firmata;
using Twin.Testing;
using Xunit.Abstractions;

namespace Twin.Drivers.Tests.IoBox;

/// <summary>
/// The Arduino I/O box driven by Iot.Device.Bindings' ArduinoBoard over the project's serial transport on the simulated
/// StandardFirmata board's real pseudo-terminal.
/// </summary>
public sealed class FirmataIoBoxTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Temperature_read_through_ArduinoBoard_matches_the_simulated_TMP36_within_one_ADC_step()
    {
        await using var sim = await FirmataFixture.StartAsync();
        await using var box = FirmataFixture.Box(sim);
        var watch = Stopwatch.StartNew();
        await box.OpenAsync();
        output.WriteLine($"open (ArduinoBoard init + first report): {watch.ElapsedMilliseconds} ms; firmware {box.Firmware}");
        Assert.Equal("StandardFirmata.ino 2.5", box.Firmware);
        Assert.True(sim.Arduino!.IsReportingAnalog(0));
        double step = new AnalogTemperatureConversion().StepC(10);
        Assert.Equal(Tmp36Sensor.ResolutionC, step, 12);
        foreach (double set in new[] { 25.0, -12.3, 47.25, 61.8, 0.0, 110.4 })
        {
            sim.Arduino.CellSensor.TemperatureC = set;
            watch.Restart();
            var reading = await Wait.ForAsync(() => Task.FromResult(box.ReadTemperature()), r => Math.Abs(r.TemperatureC - set) <= step,
                $"the box to read {set} °C");
            output.WriteLine($"set {set,7:0.00} °C: read {reading.TemperatureC,7:0.00} °C ({reading.Counts} counts, {reading.VoltageV:0.0000} V) after {watch.Elapsed.TotalMilliseconds:0} ms");
            Assert.Equal((uint)sim.Arduino.CellSensor.AdcCounts, reading.Counts);
            Assert.InRange(reading.Age, TimeSpan.Zero, box.Options.StaleAfter);
        }
        Assert.Equal(0, box.RejectedReports);
    }

    [Fact]
    public async Task A_silent_board_makes_the_temperature_stale_and_says_so()
    {
        await using var sim = await FirmataFixture.StartAsync();
        await using var box = FirmataFixture.Box(sim);
        await box.OpenAsync();
        Assert.InRange(box.ReadTemperature().TemperatureC, 24, 26);
        sim.ArduinoFaults!.SilentReplies = true;
        var error = await Wait.ForAsync(() => Task.FromResult(Record.Exception(() => box.ReadTemperature())), e => e is not null, "the temperature to go stale");
        var e = Assert.IsType<InstrumentException>(error);
        Assert.Contains("temperature is stale", e.Message);
        Assert.Contains("A0", e.Message);
        Assert.StartsWith("serial://", e.Message);
        sim.ArduinoFaults.SilentReplies = false;
        await Wait.UntilAsync(() => Record.Exception(() => box.ReadTemperature()) is null, "the temperature to come back when the board reports again");
    }

    [Fact]
    public async Task Garbage_from_the_board_is_rejected_and_the_temperature_goes_stale()
    {
        await using var sim = await FirmataFixture.StartAsync();
        await using var box = FirmataFixture.Box(sim);
        await box.OpenAsync();
        sim.ArduinoFaults!.Garbage(int.MaxValue);
        var error = await Wait.ForAsync(() => Task.FromResult(Record.Exception(() => box.ReadTemperature())), e => e is not null, "garbage to make the temperature stale");
        var e = Assert.IsType<InstrumentException>(error);
        Assert.Contains("temperature is stale", e.Message);
        output.WriteLine(e.Message);
        output.WriteLine($"rejected reports: {box.RejectedReports}, garbage messages: {sim.ArduinoFaults.GarbageLinesInjected}");
        Assert.True(sim.ArduinoFaults.GarbageLinesInjected > 0);
    }

    [Fact]
    public async Task A_board_that_never_answers_fails_to_open_with_a_clear_error_in_bounded_time()
    {
        await using var sim = await FirmataFixture.StartAsync();
        sim.ArduinoFaults!.Blackhole = true;
        await using var box = FirmataFixture.Box(sim, new IoBoxOptions { ConnectTimeout = TimeSpan.FromSeconds(2) });
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<InstrumentException>(() => box.OpenAsync());
        output.WriteLine($"{watch.ElapsedMilliseconds} ms: {e.Message}");
        Assert.StartsWith("serial://", e.Message);
        Assert.True(e.Message.Contains("Firmata", StringComparison.Ordinal), e.Message);
        Assert.False(box.IsOpen);
    }

    [Fact]
    public async Task A_missing_analog_input_is_named_in_the_error()
    {
        await using var sim = await FirmataFixture.StartAsync();
        await using var box = FirmataFixture.Box(sim, new IoBoxOptions { TemperatureChannel = 9 });
        var e = await Assert.ThrowsAsync<InstrumentException>(() => box.OpenAsync());
        Assert.Contains("A9", e.Message);
        Assert.Contains("io_box.temperature_pin", e.Message);
    }
}
