using Twin.Core.Lattice;
using Twin.Core.Materials;
using Twin.Drivers.Transports;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Diffraction;
using Twin.FirmwareSim.Net;
using Twin.FirmwareSim.Timing;

namespace Twin.Drivers.Tests.Triggers;

/// <summary>A line device whose replies the test scripts: the handler gets each line and the reply sink.</summary>
internal sealed class ScriptedBox(Func<string, ILineReplySink, ValueTask> handle) : ILineDevice
{
    public string Name => "scripted-box";

    public ValueTask HandleLineAsync(string line, ILineReplySink reply, CancellationToken cancellationToken) => handle(line, reply);

    public void OnDisconnected() { }

    /// <summary>Answers *IDN? and hands TRIG lines (split into tokens) to <paramref name="trig"/>.</summary>
    public static ScriptedBox OnTrig(Func<string[], ILineReplySink, ValueTask> trig) => new(async (line, reply) =>
    {
        if (line == "*IDN?") await reply.SendLineAsync("Test,ScriptedBox,0,0");
        else await trig(line.Split(' '), reply);
    });
}

/// <summary>The simulated trigger box in front of a simulated diffractometer looking at a resistive "cell" at fixed c_Li, served over TCP.</summary>
internal sealed class SimulatedBoxRig : IAsyncDisposable
{
    public SimulatedBoxRig(double speed = 100, double cLi = 0.62, TimeProvider? time = null)
    {
        Clock = new SimClock(speed, time: time);
        Bench = new CellBench(new ResistiveLoad(cathodeCLi: cLi), Clock);
        Diffractometer = new SimulatedDiffractometer(Bench, new SimulatorLattice(MaterialCatalog.Default.Get("NMC811")), Folder.Path);
        Box = new TriggerBoxSimulator(Diffractometer);
        Server = new LineServer(Box).Start();
    }

    public TempFolder Folder { get; } = new();
    public SimClock Clock { get; }
    public CellBench Bench { get; }
    public SimulatedDiffractometer Diffractometer { get; }
    public TriggerBoxSimulator Box { get; }
    public LineServer Server { get; }

    public TcpTransport NewTransport() => new("127.0.0.1", Server.Port);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Box.Dispose();
        Folder.Dispose();
    }
}

/// <summary>A transport with modem lines that records every change (time, line, asserted); its stream is unused.</summary>
internal sealed class FakeModemTransport : ITransport, IModemControl
{
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset At, string Line, bool Asserted)> _events = [];

    public string Endpoint => "serial:///dev/fake";
    public bool IsOpen { get; private set; }
    public Stream Stream => Stream.Null;
    public Action<string, bool>? OnChange { get; set; }

    public IReadOnlyList<(DateTimeOffset At, string Line, bool Asserted)> Events
    {
        get { lock (_gate) return [.. _events]; }
    }

    public Task OpenAsync(CancellationToken cancellationToken = default) { IsOpen = true; return Task.CompletedTask; }
    public void Close() => IsOpen = false;
    public ValueTask DisposeAsync() { Close(); return ValueTask.CompletedTask; }
    public void SetDtr(bool asserted) => Record("DTR", asserted);
    public void SetRts(bool asserted) => Record("RTS", asserted);

    private void Record(string line, bool asserted)
    {
        if (!IsOpen) throw new TransportException(Endpoint, "port is closed");
        lock (_gate) _events.Add((DateTimeOffset.UtcNow, line, asserted));
        OnChange?.Invoke(line, asserted);
    }
}

/// <summary>A fact skipped (with the reason) when socat is not installed.</summary>
internal sealed class SocatFactAttribute : FactAttribute
{
    public SocatFactAttribute()
    {
        if (PtyBridge.FindSocat() is null) Skip = "socat is not installed (Debian package socat): no pseudo-terminal to test on";
    }
}

/// <summary>A fact skipped (with the reason) unless /dev/ttyS0 opens and answers TIOCMGET (a UART with modem lines).</summary>
internal sealed class RealModemPortFactAttribute : FactAttribute
{
    public const string Device = "/dev/ttyS0";

    public RealModemPortFactAttribute()
    {
        string? reason = Probe();
        if (reason is not null) Skip = reason;
    }

    private static string? Probe()
    {
        if (!File.Exists(Device)) return $"{Device} does not exist";
        try
        {
            var port = new SerialTransport(new SerialSettings(Device));
            try
            {
                port.OpenAsync().GetAwaiter().GetResult();
                port.GetModemLines();
                return null;
            }
            finally { port.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        }
        catch (Exception e) when (e is TransportException or IOException or UnauthorizedAccessException)
        {
            return $"{Device} has no usable modem lines on this machine: {e.Message}";
        }
    }
}
