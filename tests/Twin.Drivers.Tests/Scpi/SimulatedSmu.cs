using Twin.Drivers.Scpi;
using Twin.Drivers.Transports;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Faults;
using Twin.FirmwareSim.Net;
using Twin.FirmwareSim.Smu;
using Twin.FirmwareSim.Timing;

namespace Twin.Drivers.Tests.Scpi;

/// <summary>A simulated Keithley 2450 on a 3.7 V / 1 Ω dummy load, served on a free TCP port of 127.0.0.1 (and optionally a pty).</summary>
public sealed class SimulatedSmu : IAsyncDisposable
{
    private SimulatedSmu(LineServer server, Keithley2450Simulator device, FaultInjector faults, PtyBridge? bridge)
    {
        Server = server;
        Device = device;
        Faults = faults;
        Bridge = bridge;
    }

    public LineServer Server { get; }

    public Keithley2450Simulator Device { get; }

    public FaultInjector Faults { get; }

    public PtyBridge? Bridge { get; }

    public static async Task<SimulatedSmu> StartAsync(bool pty = false)
    {
        var faults = new FaultInjector();
        var bench = new CellBench(new ResistiveLoad(3.7, 1.0), new SimClock());
        var device = new Keithley2450Simulator(bench, faults);
        var server = new LineServer(device, faults).Start();
        var bridge = pty ? await PtyBridge.StartAsync(server) : null;
        return new SimulatedSmu(server, device, faults, bridge);
    }

    public ITransport Transport() => Bridge is null
        ? new TcpTransport("127.0.0.1", Server.Port)
        : new SerialTransport(new SerialSettings(Bridge.LinkPath) { BaudRate = 115200 });

    public async Task<ScpiSession> OpenSessionAsync(ScpiOptions? options = null)
    {
        var session = new ScpiSession(Transport(), options);
        await session.OpenAsync();
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        if (Bridge is not null) await Bridge.DisposeAsync();
        await Server.DisposeAsync();
    }
}
