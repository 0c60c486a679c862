using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.Drivers.Experiment;
using Twin.Drivers.IoBox;
using Twin.FirmwareSim;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Instruments;
using Twin.Testing;

namespace Twin.Service.Tests.Instruments;

/// <summary>
/// An experiment file with an <c>io_box:</c> on the simulated Arduino's real pty: the driver the factory builds publishes
/// every sample with the box's cell temperature, which is what the twin service stores and feeds its twin.
/// </summary>
public sealed class IoBoxTelemetryTests
{
    [Fact]
    public async Task Telemetry_of_a_driven_cell_carries_the_firmata_box_temperature()
    {
        string pty = Path.Combine(Path.GetTempPath(), "twin-firmata-svc-" + Guid.NewGuid().ToString("N")[..12]);
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Speed = 600, FirmataPtyPath = pty, PatternFolder = Path.Combine(Path.GetTempPath(), "twin-host-" + Guid.NewGuid().ToString("N")),
        });
        sim.Arduino!.CellSensor.TemperatureC = 37.5;
        string yaml = $$"""
            site: lab
            cells:
              - id: c1
                material: NMC811
                q_li_Ah: 0.0096
                c_li0: 0.9
                instrument:
                  address: {{sim.SmuAddress}}
                  nominal_capacity_Ah: 0.006
                  limits: { max_voltage_V: 4.25, min_voltage_V: 2.0, max_current_A: 0.012, max_temperature_C: 45 }
                  watchdog_s: 600
                  time_scale: 600
                  lithium_cutoff: false
                  io_box: { address: "serial://{{pty}}?baud=57600", temperature_pin: A0 }
                  protocol: Rest for 10 minutes (30 second period)
            """;
        var cell = ExperimentFile.Parse(yaml, "io-box.yaml")[0];
        await using var bus = new InProcessBus();
        var telemetry = new ConcurrentQueue<TelemetrySample>();
        await using var sub = await bus.SubscribeAsync(TwinTopics.Telemetry("lab", "c1"), QualityOfService.AtLeastOnce, (m, _) =>
        {
            foreach (var s in TwinPayloads.ParseTelemetry(m.Payload.Span, m.Topic).Samples) telemetry.Enqueue(s);
            return ValueTask.CompletedTask;
        });
        await using var smu = InstrumentFactory.CreateSourceMeter(cell.Instrument!, ".");
        Assert.IsType<TemperatureSourceMeter>(smu);
        var host = new InstrumentHost(cell, bus, smu, null, NullLogger.Instance);
        var result = await host.RunAsync();
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message);
        await Wait.UntilAsync(() => telemetry.Count >= result.Samples, "every sample on the telemetry topic", observed: () => $"{telemetry.Count} of {result.Samples}");
        double step = new AnalogTemperatureConversion().StepC(10);
        Assert.True(telemetry.Count >= 10, $"{telemetry.Count} samples");
        Assert.All(telemetry, t => Assert.InRange(Assert.NotNull(t.TemperatureC), 37.5 - step, 37.5 + step));
    }
}
