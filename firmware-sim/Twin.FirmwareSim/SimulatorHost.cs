using System.Net;
using Microsoft.Extensions.Logging;
using Twin.Core.Materials;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Diffraction;
using Twin.FirmwareSim.Faults;
using Twin.FirmwareSim.Firmata;
using Twin.FirmwareSim.Net;
using Twin.FirmwareSim.Smu;
using Twin.FirmwareSim.Timing;

namespace Twin.FirmwareSim;

/// <summary>
/// The running firmware simulator: a cell on a bench with an accelerated clock, a Keithley 2450 SMU serving SCPI on
/// a TCP socket (and optionally a pseudo-terminal), and a diffractometer trigger box on its own socket (and pty).
/// Optionally an Arduino I/O box speaking Firmata on a binary socket (and pty). Each link has its own <see cref="FaultInjector"/>.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly LineServer _smuServer;
    private readonly LineServer _triggerServer;
    private readonly PtyBridge? _smuPty;
    private readonly PtyBridge? _triggerPty;
    private readonly ByteStreamServer? _arduinoServer;
    private readonly PtyBridge? _arduinoPty;

    private SimulatorHost(SimulatorOptions options, CellBench bench, EquivalentCircuitCell cell, SimulatedDiffractometer diffractometer,
        Keithley2450Simulator smuDevice, LineServer smu, LineServer trigger, PtyBridge? smuPty, PtyBridge? triggerPty,
        ArduinoFirmataSimulator? arduino, ByteStreamServer? arduinoServer, PtyBridge? arduinoPty)
    {
        Arduino = arduino;
        _arduinoServer = arduinoServer;
        _arduinoPty = arduinoPty;
        Smu = smuDevice;
        Options = options;
        Bench = bench;
        Cell = cell;
        Diffractometer = diffractometer;
        _smuServer = smu;
        _triggerServer = trigger;
        _smuPty = smuPty;
        _triggerPty = triggerPty;
    }

    /// <summary>The options it runs with.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>The bench (clock, cell, source setting).</summary>
    public CellBench Bench { get; }

    /// <summary>The cell model (read through <see cref="Bench"/> for current values): its
    /// <see cref="EquivalentCircuitCell.CathodeCLi"/> and <see cref="EquivalentCircuitCell.CathodeCapacityAh"/> are the
    /// simulator's true c_Li and Q_Li; its parameters include the degradation modes.</summary>
    public EquivalentCircuitCell Cell { get; }

    /// <summary>The diffractometer.</summary>
    public SimulatedDiffractometer Diffractometer { get; }

    /// <summary>The simulated SMU (its output state and <see cref="Keithley2450Simulator.OutputChanged"/>).</summary>
    public Keithley2450Simulator Smu { get; }

    /// <summary>Faults of the SMU link.</summary>
    public FaultInjector SmuFaults => _smuServer.Faults;

    /// <summary>Faults of the trigger-box link.</summary>
    public FaultInjector TriggerFaults => _triggerServer.Faults;

    /// <summary>TCP port of the SMU.</summary>
    public int SmuPort => _smuServer.Port;

    /// <summary>TCP port of the trigger box.</summary>
    public int TriggerPort => _triggerServer.Port;

    /// <summary>SMU address for a driver, e.g. <c>tcp://127.0.0.1:5025</c>.</summary>
    public string SmuAddress => _smuServer.Address;

    /// <summary>Trigger-box address for a driver.</summary>
    public string TriggerAddress => _triggerServer.Address;

    /// <summary>Pseudo-terminal path of the SMU, if enabled.</summary>
    public string? SmuPtyPath => _smuPty?.LinkPath;

    /// <summary>Pseudo-terminal path of the trigger box, if enabled.</summary>
    public string? TriggerPtyPath => _triggerPty?.LinkPath;

    /// <summary>The simulated Arduino I/O box (TMP36 on A0, digital output edges), or null when not enabled.</summary>
    public ArduinoFirmataSimulator? Arduino { get; }

    /// <summary>Faults of the Arduino link, or null when it is not enabled.</summary>
    public FaultInjector? ArduinoFaults => _arduinoServer?.Faults;

    /// <summary>The Arduino's byte-stream server (TCP port, connection counts), or null.</summary>
    public ByteStreamServer? ArduinoServer => _arduinoServer;

    /// <summary>Pseudo-terminal path of the Arduino I/O box, if enabled.</summary>
    public string? ArduinoPtyPath => _arduinoPty?.LinkPath;

    /// <summary>The SMU's line server (connection counts, dropping links).</summary>
    public LineServer SmuServer => _smuServer;

    /// <summary>Starts the simulator.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <exception cref="ArgumentException">Invalid cell parameters, degradation modes (one given twice, a magnitude out
    /// of range), material or address.</exception>
    /// <exception cref="IOException">A port is taken, or socat is missing when a pty is asked for.</exception>
    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options.Cell.Validate();
        var address = IPAddress.Parse(options.ListenAddress);
        var clock = new SimClock(options.Speed, time: options.Time);
        var cell = new EquivalentCircuitCell(Degradation.ApplyToCell(options.Cell, options.Degradation));
        double currentOffsetA = Degradation.CurrentOffsetA(options.Cell, options.Degradation);
        var bench = new CellBench(cell, clock);
        Directory.CreateDirectory(options.PatternFolder);
        var lattice = new SimulatorLattice(MaterialCatalog.Default.Get(options.Material), options.LatticeOffset);
        var diffractometer = new SimulatedDiffractometer(bench, lattice, options.PatternFolder, options.Diffractometer);
        var smuFaults = new FaultInjector(logger);
        var smuDevice = new Keithley2450Simulator(bench, smuFaults, logger: logger, currentOffsetA: currentOffsetA);
        var smu = new LineServer(smuDevice, smuFaults, address, options.SmuPort, logger: logger).Start();
        var trigger = new LineServer(new TriggerBoxSimulator(diffractometer), new FaultInjector(logger), address, options.TriggerPort, logger: logger).Start();
        PtyBridge? smuPty = null, triggerPty = null, arduinoPty = null;
        ArduinoFirmataSimulator? arduino = null;
        ByteStreamServer? arduinoServer = null;
        try
        {
            if (options.SmuPtyPath is { } sp) smuPty = await PtyBridge.StartAsync(smu, sp, logger, cancellationToken).ConfigureAwait(false);
            if (options.TriggerPtyPath is { } tp) triggerPty = await PtyBridge.StartAsync(trigger, tp, logger, cancellationToken).ConfigureAwait(false);
            if (options.Firmata || options.FirmataPtyPath is not null)
            {
                arduino = new ArduinoFirmataSimulator(clock, logger);
                arduinoServer = new ByteStreamServer(arduino, new FaultInjector(logger), address, options.FirmataPort, logger).Start();
                if (options.FirmataPtyPath is { } ap) arduinoPty = await PtyBridge.StartAsync(arduinoServer, ap, logger, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (smuPty is not null) await smuPty.DisposeAsync().ConfigureAwait(false);
            if (triggerPty is not null) await triggerPty.DisposeAsync().ConfigureAwait(false);
            if (arduinoServer is not null) await arduinoServer.DisposeAsync().ConfigureAwait(false);
            arduino?.Dispose();
            await smu.DisposeAsync().ConfigureAwait(false);
            await trigger.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new SimulatorHost(options, bench, cell, diffractometer, smuDevice, smu, trigger, smuPty, triggerPty, arduino, arduinoServer, arduinoPty);
    }

    /// <summary>Stops every server and pty bridge.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_smuPty is not null) await _smuPty.DisposeAsync().ConfigureAwait(false);
        if (_triggerPty is not null) await _triggerPty.DisposeAsync().ConfigureAwait(false);
        await _smuServer.DisposeAsync().ConfigureAwait(false);
        await _triggerServer.DisposeAsync().ConfigureAwait(false);
        if (_arduinoPty is not null) await _arduinoPty.DisposeAsync().ConfigureAwait(false);
        if (_arduinoServer is not null) await _arduinoServer.DisposeAsync().ConfigureAwait(false);
        Arduino?.Dispose();
    }
}
