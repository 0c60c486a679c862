using Twin.Drivers.Experiment;
using Twin.Drivers.Instruments;
using Twin.Drivers.Interlocks;
using Twin.Drivers.Protocol;
using Twin.Drivers.Scpi;
using Twin.Drivers.Transports;
using Twin.FirmwareSim;
using Twin.FirmwareSim.Cell;

namespace Twin.Drivers.Tests.Experiment;

/// <summary>Starts the firmware simulator (coin cell, Keithley 2450) and builds runners against it.</summary>
internal static class SimulatorFixture
{
    public static readonly CellParameters Cell = CellParameters.CoinCell;

    public static Task<SimulatorHost> StartAsync(double speed, string? ptyPath = null, TimeProvider? time = null) =>
        SimulatorHost.StartAsync(new SimulatorOptions
        {
            Speed = speed,
            Time = time ?? TimeProvider.System,
            SmuPtyPath = ptyPath,
            PatternFolder = Path.Combine(Path.GetTempPath(), "twin-sim-" + Guid.NewGuid().ToString("N")),
        });

    public static RunnerOptions Options(double speed, double maxV = 4.25, double minV = 2.0) => new()
    {
        NominalCapacityAh = Cell.NominalCapacityAh,
        Limits = new HardLimits(maxV, minV, Cell.NominalCapacityAh * 2, 45),
        SafeCutoffV = Math.Min(4.15, maxV),
        TimeScale = speed,
        WatchdogTimeout = TimeSpan.FromSeconds(3),
        DefaultSamplePeriodS = 30,
    };

    public static Keithley2450 Keithley(string address, ScpiOptions? scpi = null) =>
        new(new ScpiSession(TransportAddress.Parse(address), scpi ?? new ScpiOptions { Timeout = TimeSpan.FromSeconds(1) }));

    public static (ExperimentRunner Runner, TwinLoopSink Sink) Runner(ISourceMeter smu, string protocol, RunnerOptions options, TwinLoopSink? sink = null)
    {
        sink ??= new TwinLoopSink(Cell.PositiveCapacityAh, Cell.InitialCathodeCLi);
        var runner = new ExperimentRunner(smu, ProtocolParser.Parse(protocol, "test protocol"), options, sink);
        sink.Runner = runner;
        return (runner, sink);
    }
}
