using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Net;

namespace Twin.FirmwareSim.Tests.Cell;

/// <summary>
/// A cycler for the tests: the firmware simulator (as <c>twin sim</c> starts it, with its degradation modes) on a
/// manual clock, driven through the simulated Keithley 2450's SCPI commands, counting charge the way a driver and the
/// twin do — from the current the SMU reports — so counted c_Li can be set against the cell's true c_Li.
/// </summary>
internal sealed class ScpiCycler : IAsyncDisposable
{
    private readonly FakeTimeProvider _time;
    private readonly Replies _replies = new();
    private readonly string _folder;

    private ScpiCycler(SimulatorHost sim, FakeTimeProvider time, string folder)
    {
        Sim = sim;
        _time = time;
        _folder = folder;
        QLi0 = sim.Options.Cell.PositiveCapacityAh;
        CLi0 = sim.Options.Cell.InitialCathodeCLi;
    }

    public SimulatorHost Sim { get; }

    /// <summary>What an operator types in: Q_Li and c_Li at the start (the undegraded cell's).</summary>
    public double QLi0 { get; }

    /// <summary>c_Li at the start.</summary>
    public double CLi0 { get; }

    /// <summary>Charge counted from the SMU's current readings, A·h.</summary>
    public double CountedAh { get; private set; }

    /// <summary>c_Li by charge counting: c_Li0 − Q/Q_Li.</summary>
    public double CountedCLi => CLi0 - CountedAh / QLi0;

    /// <summary>The cell's true cathode c_Li.</summary>
    public double TrueCLi => Sim.Bench.Read(c => c.CathodeCLi);

    /// <summary>The cell's true Q_Li, A·h.</summary>
    public double TrueQLiAh => Sim.Bench.Read(c => c.CathodeCapacityAh);

    /// <summary>Simulated seconds since the start.</summary>
    public double TimeS => Sim.Bench.Clock.ElapsedS;

    /// <summary>1C of the cell, A.</summary>
    public double OneCA => Sim.Options.Cell.NominalCapacityAh;

    /// <summary>Last voltage read, V.</summary>
    public double VoltageV { get; private set; }

    /// <summary>Last current read, A.</summary>
    public double CurrentA { get; private set; }

    public static async Task<ScpiCycler> StartAsync(IReadOnlyList<Degradation> modes)
    {
        var time = new FakeTimeProvider();
        string folder = Path.Combine(Path.GetTempPath(), "twin-cycler-" + Guid.NewGuid().ToString("N")[..12]);
        var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Time = time, Degradation = modes, PatternFolder = folder });
        var c = new ScpiCycler(sim, time, folder);
        // as the Keithley 2450 driver configures it: high impedance when off, current source with readback, sense volts
        await c.Send(":OUTP:SMOD HIMP; :OUTP OFF; :SOUR:FUNC CURR; :SOUR:CURR:READ:BACK ON; :SENS:FUNC \"VOLT\"; :SOUR:CURR:VLIM 4.25");
        return c;
    }

    public async Task Send(string line)
    {
        await Sim.Smu.HandleLineAsync(line, _replies, CancellationToken.None);
        if (await Query(":SYST:ERR?") is var e && !e.StartsWith("0,", StringComparison.Ordinal)) throw new InvalidOperationException($"'{line}': {e}");
    }

    private async Task<string> Query(string line)
    {
        await Sim.Smu.HandleLineAsync(line, _replies, CancellationToken.None);
        return _replies.Take();
    }

    /// <summary>Steps the clock by <paramref name="dtS"/> and reads voltage and current, counting the charge over the step
    /// with the current read at its end (the source held it constant over the step).</summary>
    public async Task StepAsync(double dtS)
    {
        _time.Advance(TimeSpan.FromSeconds(dtS));
        string[] f = (await Query(":READ? \"defbuffer1\", READ, SOUR")).Split(',');
        VoltageV = double.Parse(f[0], CultureInfo.InvariantCulture);
        CurrentA = double.Parse(f[1], CultureInfo.InvariantCulture);
        CountedAh += CurrentA * dtS / 3600;
    }

    public Task SourceCurrentAsync(double amperes) => Send(FormattableString.Invariant($":SOUR:CURR {amperes:R}; :OUTP ON"));

    public Task OffAsync() => Send(":OUTP OFF");

    /// <summary>Output off for <paramref name="seconds"/>.</summary>
    public async Task RestAsync(double seconds, double dtS = 60)
    {
        await OffAsync();
        for (double t = 0; t < seconds - 1e-9; t += dtS) await StepAsync(Math.Min(dtS, seconds - t));
    }

    /// <summary>Constant current for exactly <paramref name="seconds"/>.</summary>
    public async Task CurrentForAsync(double amperes, double seconds, double dtS = 10)
    {
        await SourceCurrentAsync(amperes);
        for (double t = 0; t < seconds - 1e-9; t += dtS) await StepAsync(Math.Min(dtS, seconds - t));
    }

    /// <summary>Charge until counted c_Li ≤ <paramref name="cLiMin"/> (the lithium cut-off on counting) or 4.2 V.</summary>
    public async Task ChargeToAsync(double amperes, double cLiMin, double dtS = 10)
    {
        await Send(":SOUR:CURR:VLIM 4.2");
        await SourceCurrentAsync(amperes);
        do await StepAsync(dtS); while (CountedCLi > cLiMin && VoltageV < 4.2 - 1e-6);
        await Send(":SOUR:CURR:VLIM 4.25");
    }

    /// <summary>Discharge until the voltage falls to <paramref name="vMin"/>.</summary>
    public async Task DischargeToAsync(double amperes, double vMin, double dtS = 10)
    {
        await SourceCurrentAsync(-amperes);
        do await StepAsync(dtS); while (VoltageV > vMin);
    }

    public async ValueTask DisposeAsync()
    {
        await Sim.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private sealed class Replies : ILineReplySink
    {
        private readonly Queue<string> _lines = new();
        public ValueTask SendLineAsync(string line, CancellationToken cancellationToken = default) { lock (_lines) _lines.Enqueue(line); return ValueTask.CompletedTask; }
        public ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) => throw new InvalidOperationException("binary reply not expected");
        public string Take() { lock (_lines) return _lines.Count > 0 ? _lines.Dequeue() : throw new InvalidOperationException("no reply"); }
    }
}
