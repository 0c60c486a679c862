using Twin.Drivers.Experiment;
using Twin.Drivers.IoBox;
using Twin.Drivers.Tests.Experiment;
using Twin.Drivers.Triggers;
using Twin.FirmwareSim.Cell;
using Twin.Testing;
using Xunit.Abstractions;

namespace Twin.Drivers.Tests.IoBox;

/// <summary>
/// The experiment runner with the simulated Keithley 2450 and the simulated Arduino I/O box (StandardFirmata on a real
/// pty, driven by Iot.Device.Bindings): the cell temperature reaches the samples and the interlock, a silent or garbled
/// box stops the run with the output off, and the TTL pin pulses once per pattern.
/// </summary>
public sealed class FirmataRunnerTests(ITestOutputHelper output)
{
    private const double Speed = 600;
    private const string LongCharge = "Charge at C/5 for 10 hours (30 second period)";

    private static (ExperimentRunner Runner, TwinLoopSink Sink) Runner(TemperatureSourceMeter smu, string protocol, PatternPlan? patterns = null) =>
        SimulatorFixture.Runner(smu, protocol, SimulatorFixture.Options(Speed) with
        {
            LithiumCutoff = false,
            SafeCutoffV = 4.25,
            Patterns = patterns,
            OutputOffRetryDelay = TimeSpan.FromMilliseconds(100),
            OutputOffRetryMaxDelay = TimeSpan.FromMilliseconds(400),
        });

    [Fact]
    public async Task Heating_the_cell_above_max_temperature_trips_the_interlock_and_the_output_is_off()
    {
        await using var sim = await FirmataFixture.StartAsync(Speed);
        await using var smu = new TemperatureSourceMeter(SimulatorFixture.Keithley(sim.SmuAddress), FirmataFixture.Box(sim));
        var (runner, sink) = Runner(smu, LongCharge);
        double limit = SimulatorFixture.Options(Speed).Limits.MaxTemperatureC;
        sim.Arduino!.CellSensor.TemperatureC = 31.0;
        // the cell heats once the charge has been running for three readings
        sink.OnSample = s => { if (s.Seq == 3) sim.Arduino.CellSensor.TemperatureC = limit + 5; };
        var result = await runner.RunAsync();
        output.WriteLine(result.Message);
        Assert.Equal(RunOutcome.Interlock, result.Outcome);
        Assert.Contains("temperature", result.Message);
        Assert.True(result.OutputOffConfirmed, result.Message + "\n" + sink.EventText);
        Assert.False(sim.Smu.OutputOn);
        Assert.Equal(SourceMode.Off, sim.Bench.Setting.Mode);
        var samples = sink.Samples.ToArray();
        Assert.True(samples.Length >= 3, sink.EventText);
        double step = new AnalogTemperatureConversion().StepC(10);
        // every sample carries the box's temperature; none above the limit was recorded (the trip comes first)
        Assert.All(samples, s => Assert.NotNull(s.TemperatureC));
        Assert.All(samples.Take(3), s => Assert.InRange(s.TemperatureC!.Value, 31.0 - step, 31.0 + step));
        Assert.All(samples, s => Assert.True(s.TemperatureC <= limit, $"sample {s.Seq} at {s.TemperatureC} °C was recorded"));
        Assert.Contains(sink.Events, e => e.Kind == RunnerEventKinds.Interlock && e.Message.Contains("temperature"));
    }

    [Theory]
    [InlineData("silent")]
    [InlineData("garbage")]
    public async Task A_silent_or_garbled_io_box_fails_the_readings_and_the_run_ends_with_the_output_off(string fault)
    {
        await using var sim = await FirmataFixture.StartAsync(Speed);
        await using var smu = new TemperatureSourceMeter(SimulatorFixture.Keithley(sim.SmuAddress), FirmataFixture.Box(sim));
        var (runner, sink) = Runner(smu, LongCharge);
        bool onWhenFaulted = false;
        sink.OnSample = s =>
        {
            if (s.Seq != 3) return;
            onWhenFaulted = sim.Smu.OutputOn;
            if (fault == "silent") sim.ArduinoFaults!.SilentReplies = true;
            else sim.ArduinoFaults!.Garbage(int.MaxValue);
        };
        var result = await runner.RunAsync();
        output.WriteLine(result.Message);
        Assert.True(onWhenFaulted, "the SMU was sourcing when the box failed");
        Assert.Equal(RunOutcome.InstrumentFailure, result.Outcome);
        Assert.Contains("temperature is stale", result.Message);
        Assert.True(result.OutputOffConfirmed, result.Message + "\n" + sink.EventText);
        Assert.False(sim.Smu.OutputOn);
        Assert.Equal(SourceMode.Off, sim.Bench.Setting.Mode);
        // the runner reported each failed reading before giving up; no sample without a temperature was recorded
        Assert.Contains(sink.Events, e => e.Kind == RunnerEventKinds.Link && e.Message.Contains("temperature is stale"));
        Assert.All(sink.Samples, s => Assert.NotNull(s.TemperatureC));
    }

    [Fact]
    public async Task The_ttl_pin_pulses_once_per_acquired_pattern()
    {
        await using var sim = await FirmataFixture.StartAsync(Speed);
        var box = FirmataFixture.Box(sim);
        await using var smu = new TemperatureSourceMeter(SimulatorFixture.Keithley(sim.SmuAddress), box);
        var trigger = new FirmataPulseTrigger(box, new FirmataPulseOptions { PulseWidth = TimeSpan.FromMilliseconds(5), Detector = "sim" }, ownsBox: false);
        var plan = new PatternPlan(trigger, PatternSchedule.Parse("every 0.1 c_Li"), ExposureS: 0.02);
        var (runner, sink) = Runner(smu, "Charge at 1C for 40 minutes (30 second period)", plan);
        var result = await runner.RunAsync();
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message + "\n" + sink.EventText);
        var patterns = sink.Patterns.ToArray();
        Assert.True(patterns.Length >= 3, $"{patterns.Length} patterns\n{sink.EventText}");
        // each edge is sent before AcquireAsync returns; the simulator logs it when it arrives over the pty
        await Wait.UntilAsync(() => sim.Arduino!.Edges(FirmataFixture.TriggerPin).Count >= 2 * patterns.Length,
            "the simulated Arduino to log both edges of every pulse", observed: () => $"{sim.Arduino!.Edges(FirmataFixture.TriggerPin).Count} edges");
        var edges = sim.Arduino!.Edges(FirmataFixture.TriggerPin);
        Assert.Equal(2 * patterns.Length, edges.Count);
        for (int i = 0; i < edges.Count; i += 2)
        {
            Assert.True(edges[i].High, $"edge {i} is a rising edge");
            Assert.False(edges[i + 1].High, $"edge {i + 1} is a falling edge");
            Assert.True(edges[i + 1].SimTimeUnixNs > edges[i].SimTimeUnixNs);
        }
        Assert.False(sim.Arduino.IsHigh(FirmataFixture.TriggerPin));
        Assert.All(patterns, p => Assert.Equal("sim", p.Detector));
        output.WriteLine($"{patterns.Length} patterns, {edges.Count} edges; pulse widths (simulated s at {Speed}×): " +
            string.Join(", ", Enumerable.Range(0, edges.Count / 2).Select(k => ((edges[2 * k + 1].SimTimeUnixNs - edges[2 * k].SimTimeUnixNs) / 1e9).ToString("0.00"))));
        await trigger.DisposeAsync();
    }
}
