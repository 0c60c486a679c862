using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Faults;
using Twin.FirmwareSim.Net;

namespace Twin.FirmwareSim.Smu;

/// <summary>Source or sense function of the simulated SMU.</summary>
public enum SmuFunction
{
    /// <summary>Current (A).</summary>
    Current,
    /// <summary>Voltage (V).</summary>
    Voltage,
}

/// <summary>Output-off state (:OUTPut:SMODe) of the 2450, reference manual 2450-901-01 "Output-off state".</summary>
public enum OutputOffMode
{
    /// <summary>NORMal: voltage source at 0 V, current limit 10 % of the present current range (a battery discharges slowly!).</summary>
    Normal,
    /// <summary>HIMPedance: the output relay opens; no current flows.</summary>
    HighImpedance,
    /// <summary>ZERO: voltage source at 0 V; the current limit is kept (voltage source) or set to max(|I|, 10 % range).</summary>
    Zero,
}

/// <summary>
/// A simulated Keithley 2450 SourceMeter speaking its native SCPI command set (facts from the Keithley 2450
/// Reference Manual 2450-901-01, sections 6 "SCPI command reference" and "Output-off state") over a
/// <see cref="CellBench"/>. Headers are case-insensitive, short or long form, with optional leading ':' and
/// optional nodes; several units per line separated by ';' (replies joined with ';').
/// </summary>
/// <remarks>
/// <para>Supported: *IDN? *RST *CLS *OPC *OPC? *WAI *ESR? *ESE(?) *SRE(?) *STB?; :SYST:ERR[:NEXT]? :SYST:ERR:COUN?;
/// :SOUR:FUNC; :SOUR:CURR / :SOUR:VOLT levels, :VLIM / :ILIM and their :TRIP?, :RANG:AUTO, :READ:BACK;
/// :SENS:FUNC, :SENS:{VOLT|CURR}:RANG:AUTO, :RSEN, :NPLC; :OUTP[:STAT], :OUTP[:{CURR|VOLT}]:SMOD;
/// :READ? :FETC? :MEAS:VOLT? :MEAS:CURR?; :TRAC:CLE, :TRAC:ACT?, :TRAC:DATA?; :FORM[:DATA] ASC|REAL|SRE; :FORM:BORD.</para>
/// <para>Output on/off and source changes are applied to the bench at once. The power-on and *RST state is the
/// 2450's: voltage source 0 V, current limit 105 µA, output off in NORMal mode (which sinks a little current from a
/// cell — send :OUTP:SMOD HIMP for batteries, as the manual advises). Measurements with the output off read the
/// bench as it is (open-circuit voltage in HIMP mode).</para>
/// <para>Errors: -113 undefined header, -109 missing parameter, -108 parameter not allowed, -104 data type error,
/// -224 illegal parameter value, -222 data out of range; ESR bits by error class (<see cref="ScpiStatusModel"/>);
/// a command error abandons the rest of the line. Errors queued in the <see cref="FaultInjector"/> appear in
/// :SYST:ERR?. Thread-safe.</para>
/// </remarks>
public sealed partial class Keithley2450Simulator : ILineDevice
{
    /// <summary>Largest source current magnitude, A (1 A range, 105 %).</summary>
    public const double MaxCurrentA = 1.05;
    /// <summary>Largest source voltage magnitude, V (200 V range, 105 %).</summary>
    public const double MaxVoltageV = 210;

    private static readonly double[] CurrentRanges = [10e-9, 100e-9, 1e-6, 10e-6, 100e-6, 1e-3, 10e-3, 100e-3, 1];

    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly FaultInjector? _faults;
    private readonly ScpiStatusModel _status = new();
    private readonly Dictionary<string, ReadingBuffer> _buffers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["defbuffer1"] = new ReadingBuffer(),
        ["defbuffer2"] = new ReadingBuffer(),
    };
    private readonly List<Command> _commands;
    private long _lines;

    // instrument settings (reset by *RST)
    private SmuFunction _sourceFunction;
    private SmuFunction _senseFunction;
    private double _sourceCurrentA, _sourceVoltageV, _voltageLimitV, _currentLimitA;
    private bool _readbackCurrent, _readbackVoltage, _output, _remoteSense;
    private bool _autoRangeSourceCurrent, _autoRangeSourceVoltage, _autoRangeSenseCurrent, _autoRangeSenseVoltage;
    private double _nplcVoltage, _nplcCurrent;
    private OutputOffMode _offMode;
    private DataFormat _format;
    private bool _swapped;
    private BufferedReading? _lastReading;

    private enum DataFormat { Ascii, Real, SingleReal }

    /// <summary>Creates the instrument in its power-on state and applies that state to the bench.</summary>
    /// <param name="bench">The cell bench the SMU is connected to.</param>
    /// <param name="faults">Fault injection (its error-queue entries appear in :SYST:ERR?); optional.</param>
    /// <param name="serialNumber">Serial number reported by *IDN?.</param>
    /// <param name="firmware">Firmware revision reported by *IDN?.</param>
    /// <param name="logger">Logger (optional).</param>
    /// <param name="currentOffsetA">Error of the current measurement, A (reading − true current; default 0): every current
    /// reading is the true current plus this offset, and the current source regulates on its reading, so it drives
    /// Level − offset through the cell (<see cref="DegradationMode.Offset"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="currentOffsetA"/> is not finite.</exception>
    public Keithley2450Simulator(CellBench bench, FaultInjector? faults = null, string serialNumber = "04512345", string firmware = "1.7.12b", ILogger? logger = null,
        double currentOffsetA = 0)
    {
        ArgumentNullException.ThrowIfNull(bench);
        if (!double.IsFinite(currentOffsetA)) throw new ArgumentOutOfRangeException(nameof(currentOffsetA), currentOffsetA, "the current offset must be finite");
        Bench = bench;
        CurrentOffsetA = currentOffsetA;
        _faults = faults;
        SerialNumber = serialNumber;
        Firmware = firmware;
        _logger = logger ?? NullLogger.Instance;
        _commands = BuildCommands();
        lock (_gate)
        {
            ResetSettings();
            ApplyToBench();
        }
    }

    /// <inheritdoc />
    public string Name => "K2450";

    /// <summary>The bench the SMU drives.</summary>
    public CellBench Bench { get; }

    /// <summary>Error of the current measurement, A: reading − true current (the source regulates on the reading).</summary>
    public double CurrentOffsetA { get; }

    /// <summary>Serial number reported by *IDN?.</summary>
    public string SerialNumber { get; }

    /// <summary>Firmware revision reported by *IDN?.</summary>
    public string Firmware { get; }

    /// <summary>Whether the output is on.</summary>
    public bool OutputOn
    {
        get { lock (_gate) return _output; }
    }

    /// <summary>The output-off state.</summary>
    public OutputOffMode OffMode
    {
        get { lock (_gate) return _offMode; }
    }

    /// <summary>Lines handled so far.</summary>
    public long LinesHandled => Interlocked.Read(ref _lines);

    /// <inheritdoc />
    public async ValueTask HandleLineAsync(string line, ILineReplySink reply, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lines);
        List<Response>? responses = null;
        lock (_gate)
        {
            DrainInjectedErrors();
            var units = ScpiProgramParser.Parse(line, out var alternatives);
            for (int i = 0; i < units.Count; i++)
            {
                try
                {
                    var response = Execute(units[i], alternatives[i]);
                    if (response is { } r) (responses ??= []).Add(r);
                }
                catch (ScpiCommandError e)
                {
                    _status.Push(e.Code, e.Text);
                    _logger.LogDebug("K2450: {Unit} → {Code},\"{Text}\"", units[i].Text, e.Code, e.Text);
                    if (e.Code is <= -100 and > -200) break; // a command error abandons the rest of the message
                }
            }
        }
        if (responses is null) return;
        if (responses.Count == 1 && responses[0].Text is { } single)
        {
            await reply.SendLineAsync(single, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (responses.TrueForAll(r => r.Text is not null))
        {
            await reply.SendLineAsync(string.Join(';', responses.Select(r => r.Text)), cancellationToken).ConfigureAwait(false);
            return;
        }
        using var ms = new MemoryStream();
        for (int i = 0; i < responses.Count; i++)
        {
            if (i > 0) ms.WriteByte((byte)';');
            if (responses[i].Binary is { } b) ms.Write(b);
            else ms.Write(Encoding.ASCII.GetBytes(responses[i].Text!));
        }
        ms.WriteByte((byte)'\n');
        await reply.SendRawAsync(ms.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void OnDisconnected()
    {
        // the 2450 keeps its settings and output state when a remote connection closes
    }

    private void DrainInjectedErrors()
    {
        if (_faults is null) return;
        while (_faults.TryTakeError(out var e)) _status.Push(e.Code, e.Message);
    }

    private Response? Execute(ScpiUnit unit, ScpiUnit? alternative)
    {
        var command = Find(unit.Header) ?? (alternative is null ? null : Find(alternative.Header));
        if (command is null) throw new ScpiCommandError(-113, "Undefined header");
        if (unit.IsQuery)
        {
            if (command.Query is null) throw new ScpiCommandError(-113, "Undefined header");
            return command.Query(unit);
        }
        if (command.Set is null) throw new ScpiCommandError(-113, "Undefined header");
        command.Set(unit);
        return null;
    }

    private Command? Find(string header)
    {
        foreach (var c in _commands)
            if (c.Pattern.Matches(header)) return c;
        return null;
    }

    private void ResetSettings()
    {
        _sourceFunction = SmuFunction.Voltage;
        _senseFunction = SmuFunction.Current;
        _sourceCurrentA = 0;
        _sourceVoltageV = 0;
        _voltageLimitV = 21;
        _currentLimitA = 105e-6;
        _readbackCurrent = _readbackVoltage = true;
        _autoRangeSourceCurrent = _autoRangeSourceVoltage = _autoRangeSenseCurrent = _autoRangeSenseVoltage = true;
        _remoteSense = false;
        _nplcVoltage = _nplcCurrent = 1;
        _output = false;
        _offMode = OutputOffMode.Normal;
        _format = DataFormat.Ascii;
        _swapped = false;
    }

    /// <summary>The present current range (auto range: the smallest 2450 range holding the source current or current limit).</summary>
    private double PresentCurrentRange()
    {
        double magnitude = _sourceFunction == SmuFunction.Current ? Math.Abs(_sourceCurrentA) : _currentLimitA;
        foreach (double range in CurrentRanges)
            if (magnitude <= range * 1.05) return range;
        return 1;
    }

    /// <summary>
    /// Raised (under the instrument's lock: keep handlers short) when the output is switched on or off, with whether it
    /// is on and what it sources then, e.g. <c>output ON: current 0.00124 A, voltage limit 4.25 V</c>.
    /// </summary>
    public event Action<bool, string>? OutputChanged;

    private bool _reportedOutput;

    private void ApplyToBench()
    {
        if (_output != _reportedOutput)
        {
            _reportedOutput = _output;
            OutputChanged?.Invoke(_output, _output
                ? (_sourceFunction == SmuFunction.Current
                    ? $"output ON: current {_sourceCurrentA.ToString("G6", CultureInfo.InvariantCulture)} A, voltage limit {_voltageLimitV.ToString("G6", CultureInfo.InvariantCulture)} V"
                    : $"output ON: voltage {_sourceVoltageV.ToString("G6", CultureInfo.InvariantCulture)} V, current limit {_currentLimitA.ToString("G6", CultureInfo.InvariantCulture)} A")
                : $"output OFF ({_offMode switch { OutputOffMode.HighImpedance => "high impedance", OutputOffMode.Zero => "zero", _ => "normal: 0 V source" }})");
        }
        SourceSetting setting;
        if (_output)
        {
            setting = _sourceFunction == SmuFunction.Current
                ? new SourceSetting(SourceMode.Current, _sourceCurrentA - CurrentOffsetA, _voltageLimitV)
                : new SourceSetting(SourceMode.Voltage, _sourceVoltageV, _currentLimitA);
        }
        else
        {
            double tenth = 0.1 * PresentCurrentRange();
            setting = _offMode switch
            {
                OutputOffMode.HighImpedance => SourceSetting.Off,
                OutputOffMode.Zero => new SourceSetting(SourceMode.Voltage, 0,
                    _sourceFunction == SmuFunction.Voltage ? _currentLimitA : Math.Max(Math.Abs(_sourceCurrentA), tenth)),
                _ => new SourceSetting(SourceMode.Voltage, 0, tenth),
            };
        }
        Bench.Apply(setting);
    }

    private BufferedReading Measure(string bufferName)
    {
        var r = Bench.Measure();
        double current = r.CurrentA + CurrentOffsetA; // what the current measurement reads
        double reading = _senseFunction == SmuFunction.Voltage ? r.VoltageV : current;
        double source = _sourceFunction == SmuFunction.Current
            ? (_readbackCurrent ? current : _sourceCurrentA)
            : (_readbackVoltage ? r.VoltageV : _sourceVoltageV);
        var stored = new BufferedReading(reading, source, Bench.Clock.NowUnixNs);
        Buffer(bufferName).Add(stored);
        _lastReading = stored;
        return stored;
    }

    private ReadingBuffer Buffer(string name) =>
        _buffers.TryGetValue(ScpiProgramParser.Unquote(name.Trim()), out var b) ? b : throw new ScpiCommandError(-224, "Illegal parameter value");

    private static string Nr3(double v) => (v + 0.0).ToString("+0.000000000E+00;-0.000000000E+00", CultureInfo.InvariantCulture);

    private readonly record struct Response(string? Text, byte[]? Binary);

    private sealed record Command(ScpiHeaderPattern Pattern, Action<ScpiUnit>? Set, Func<ScpiUnit, Response>? Query);
}
