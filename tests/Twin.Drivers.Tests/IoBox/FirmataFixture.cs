using Twin.Drivers.IoBox;
using Twin.Drivers.Transports;
using Twin.FirmwareSim;

namespace Twin.Drivers.Tests.IoBox;

/// <summary>Starts the firmware simulator with its Arduino (StandardFirmata) on a real pseudo-terminal, and I/O boxes on it.</summary>
internal static class FirmataFixture
{
    /// <summary>The digital pin the tests use as the TTL trigger.</summary>
    public const int TriggerPin = 7;

    public static Task<SimulatorHost> StartAsync(double speed = 1) =>
        SimulatorHost.StartAsync(new SimulatorOptions
        {
            Speed = speed,
            FirmataPtyPath = Path.Combine(Path.GetTempPath(), "twin-firmata-" + Guid.NewGuid().ToString("N")[..12]),
            PatternFolder = Path.Combine(Path.GetTempPath(), "twin-sim-" + Guid.NewGuid().ToString("N")),
        });

    /// <summary>An I/O box on the simulator's pty through the project's serial transport, at StandardFirmata's 57600 baud,
    /// with the trigger on <see cref="TriggerPin"/> and the default staleness limit (1 s: a loaded machine does not make a
    /// healthy board look silent) unless <paramref name="options"/> says otherwise.</summary>
    public static ArduinoIoBox Box(SimulatorHost sim, IoBoxOptions? options = null) =>
        new(TransportAddress.Parse($"serial://{sim.ArduinoPtyPath}?baud=57600"), options ?? new IoBoxOptions { TriggerPin = TriggerPin });
}
