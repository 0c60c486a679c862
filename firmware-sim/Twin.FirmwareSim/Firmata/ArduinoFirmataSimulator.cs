using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.FirmwareSim.Net;
using Twin.FirmwareSim.Timing;

namespace Twin.FirmwareSim.Firmata;

/// <summary>
/// A simulated Arduino Uno running StandardFirmata (firmata/protocol, protocol.md, core messages): it answers the
/// protocol-version request, REPORT_FIRMWARE, CAPABILITY_QUERY, ANALOG_MAPPING_QUERY and PIN_STATE_QUERY, carries out
/// SET_PIN_MODE, SET_DIGITAL_PIN_VALUE, DIGITAL_MESSAGE, REPORT_ANALOG, REPORT_DIGITAL, SAMPLING_INTERVAL and
/// SYSTEM_RESET, and, while a channel's reporting is on, sends its ANALOG_MESSAGE every sampling interval (default
/// 19 ms, protocol.md "Sampling Interval"). SysEx features it does not know (e.g. ConfigurableFirmata extensions a
/// host probes for) are ignored without an answer, as StandardFirmata ignores them. A0 carries a
/// <see cref="Tmp36Sensor"/> (<see cref="CellSensor"/>); A1–A5 read 0 V (modelling assumption: nothing wired).
/// Every level change of a digital output is logged with the simulator's time (<see cref="Edges()"/>).
/// Thread-safe.
/// </summary>
/// <remarks>
/// The board does not reset or announce itself when a client connects (a real Uno resets when the port's DTR
/// toggles, then sends its version); hosts query instead. Reports run on <see cref="SimClock.Time"/> — the serial
/// link is not accelerated with the simulated cell.
/// </remarks>
public sealed class ArduinoFirmataSimulator : IByteStreamDevice, IDisposable
{
    /// <summary>Default sampling interval, ms (protocol.md, "Sampling Interval").</summary>
    public const int DefaultSamplingIntervalMs = 19;

    private readonly Lock _gate = new();
    private readonly SimClock _clock;
    private readonly ILogger _logger;
    private readonly FirmataDecoder _decoder = new(FirmataDirection.HostToBoard);
    private readonly FirmataPinMode[] _modes = new FirmataPinMode[UnoPinout.PinCount];
    private readonly int[] _states = new int[UnoPinout.PinCount];
    private readonly bool[] _analogReporting = new bool[UnoPinout.AnalogChannels];
    private readonly bool[] _digitalReporting = new bool[(UnoPinout.PinCount + 7) / 8];
    private readonly List<DigitalEdge> _edges = [];
    private readonly List<FirmataMessage> _ignored = [];
    private IByteSink? _output;
    private ITimer? _timer;
    private int _samplingIntervalMs = DefaultSamplingIntervalMs;
    private long _messages, _analogReports;

    /// <summary>Creates the board in its reset state.</summary>
    /// <param name="clock">Simulator clock (edge times; reports run on its <see cref="SimClock.Time"/>).</param>
    /// <param name="logger">Logger (optional).</param>
    public ArduinoFirmataSimulator(SimClock clock, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        _logger = logger ?? NullLogger.Instance;
        ResetState();
    }

    /// <inheritdoc />
    public string Name => "Arduino Uno (StandardFirmata, simulated)";

    /// <summary>Firmware name in the REPORT_FIRMWARE answer (the sketch's file name, protocol.md "Query Firmware Name and Version").</summary>
    public string FirmwareName { get; init; } = "StandardFirmata.ino";

    /// <summary>Firmware version (major, minor) in the REPORT_FIRMWARE answer. Modelling assumption: 2.5, the
    /// StandardFirmata of the Firmata library 2.5.x bundled with the Arduino IDE.</summary>
    public (int Major, int Minor) FirmwareVersion { get; init; } = (2, 5);

    /// <summary>Protocol version in the version report (protocol 2.5 added SET_DIGITAL_PIN_VALUE, which hosts use).</summary>
    public (int Major, int Minor) ProtocolVersion { get; init; } = (2, 5);

    /// <summary>The TMP36 on A0 (set its <see cref="Tmp36Sensor.TemperatureC"/> to heat the cell).</summary>
    public Tmp36Sensor CellSensor { get; } = new();

    /// <summary>Raised (on the thread that handled the command) for every digital output edge.</summary>
    public event Action<DigitalEdge>? EdgeRecorded;

    /// <summary>Messages decoded from the host so far.</summary>
    public long MessagesReceived => Interlocked.Read(ref _messages);

    /// <summary>ANALOG_MESSAGE reports sent so far.</summary>
    public long AnalogReportsSent => Interlocked.Read(ref _analogReports);

    /// <summary>Host bytes that did not fit the framing.</summary>
    public long DiscardedBytes
    {
        get { lock (_gate) return _decoder.DiscardedBytes; }
    }

    /// <summary>The current sampling interval, ms.</summary>
    public int SamplingIntervalMs
    {
        get { lock (_gate) return _samplingIntervalMs; }
    }

    /// <summary>Every output edge so far, oldest first.</summary>
    /// <returns>A copy of the log.</returns>
    public IReadOnlyList<DigitalEdge> Edges()
    {
        lock (_gate) return [.. _edges];
    }

    /// <summary>The output edges of one pin so far, oldest first.</summary>
    /// <param name="pin">Pin number.</param>
    /// <returns>A copy.</returns>
    public IReadOnlyList<DigitalEdge> Edges(int pin)
    {
        lock (_gate) return [.. _edges.Where(e => e.Pin == pin)];
    }

    /// <summary>SysEx messages received and ignored (unknown features), oldest first.</summary>
    /// <returns>A copy.</returns>
    public IReadOnlyList<FirmataMessage> IgnoredMessages()
    {
        lock (_gate) return [.. _ignored];
    }

    /// <summary>A pin's current mode.</summary>
    /// <param name="pin">Pin 0–19.</param>
    /// <returns>The mode.</returns>
    public FirmataPinMode PinMode(int pin)
    {
        lock (_gate) return _modes[CheckPin(pin)];
    }

    /// <summary>A pin's current output level (false when not an output).</summary>
    /// <param name="pin">Pin 0–19.</param>
    /// <returns>The level.</returns>
    public bool IsHigh(int pin)
    {
        lock (_gate) return _modes[CheckPin(pin)] == FirmataPinMode.Output && _states[pin] != 0;
    }

    /// <summary>Whether analog reporting of a channel is on.</summary>
    /// <param name="channel">Channel 0–5.</param>
    /// <returns>True when on.</returns>
    public bool IsReportingAnalog(int channel)
    {
        lock (_gate) return channel is >= 0 and < UnoPinout.AnalogChannels && _analogReporting[channel];
    }

    /// <inheritdoc />
    public void Attach(IByteSink output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            _output = output;
            _timer ??= _clock.Time.CreateTimer(_ => Tick(), null, Period(), Period());
        }
    }

    /// <inheritdoc />
    public void Receive(ReadOnlySpan<byte> bytes)
    {
        lock (_gate) _decoder.Feed(bytes, Handle);
    }

    /// <inheritdoc />
    public void OnDisconnected() { }

    /// <summary>Stops the reporting timer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private TimeSpan Period() => TimeSpan.FromMilliseconds(_samplingIntervalMs);

    private void Tick()
    {
        lock (_gate)
        {
            for (int ch = 0; ch < UnoPinout.AnalogChannels; ch++)
                if (_analogReporting[ch]) SendAnalog(ch);
        }
    }

    private void SendAnalog(int channel)
    {
        Send(FirmataEncoder.Analog(channel, AnalogCounts(channel)));
        Interlocked.Increment(ref _analogReports);
    }

    private int AnalogCounts(int channel) => channel == 0 ? CellSensor.AdcCounts : 0;

    private void Send(byte[] bytes) => _output?.Send(bytes);

    private void Handle(FirmataMessage m)
    {
        Interlocked.Increment(ref _messages);
        _logger.LogTrace("firmata in: {Message}", m);
        switch (m.Command)
        {
            case FirmataCommand.ReportVersion:
                Send(FirmataEncoder.Version(ProtocolVersion.Major, ProtocolVersion.Minor));
                break;
            case FirmataCommand.SystemReset:
                ResetState();
                break;
            case FirmataCommand.SetPinMode:
                SetMode(m.Data[0], (FirmataPinMode)m.Data[1]);
                break;
            case FirmataCommand.SetDigitalPinValue:
                WritePin(m.Data[0], m.Data[1] != 0);
                break;
            case FirmataCommand.DigitalMessage:
                WritePort(m.Channel, m.Value14(0));
                break;
            case FirmataCommand.AnalogMessage:
                // analog write (PWM) to pin = channel: kept as the pin's state
                if (UnoPinout.Supports(m.Channel, FirmataPinMode.Pwm) && _modes[m.Channel] == FirmataPinMode.Pwm) _states[m.Channel] = m.Value14(0);
                break;
            case FirmataCommand.ReportAnalog:
                if (m.Channel < UnoPinout.AnalogChannels)
                {
                    _analogReporting[m.Channel] = m.Data[0] != 0;
                    if (m.Data[0] != 0) SendAnalog(m.Channel); // protocol 2.4+: report the value on enabling
                }
                break;
            case FirmataCommand.ReportDigital:
                if (m.Channel < _digitalReporting.Length)
                {
                    _digitalReporting[m.Channel] = m.Data[0] != 0;
                    if (m.Data[0] != 0) Send(FirmataEncoder.Digital(m.Channel, PortInputs(m.Channel)));
                }
                break;
            case FirmataCommand.StartSysex:
                HandleSysex(m);
                break;
        }
    }

    private void HandleSysex(FirmataMessage m)
    {
        switch (m.SysexId)
        {
            case FirmataCommand.ReportFirmware:
                Send(FirmataEncoder.Firmware(FirmwareVersion.Major, FirmwareVersion.Minor, FirmwareName));
                break;
            case FirmataCommand.CapabilityQuery:
                Send(FirmataEncoder.Sysex(FirmataCommand.CapabilityResponse, UnoPinout.CapabilityPayload()));
                break;
            case FirmataCommand.AnalogMappingQuery:
                Send(FirmataEncoder.Sysex(FirmataCommand.AnalogMappingResponse, UnoPinout.AnalogMappingPayload()));
                break;
            case FirmataCommand.PinStateQuery when m.Data.Length >= 2:
                int pin = m.Data[1];
                if (pin < UnoPinout.PinCount) Send(FirmataEncoder.PinState(pin, _modes[pin], PinState(pin)));
                break;
            case FirmataCommand.SamplingInterval when m.Data.Length >= 3:
                // the Arduino implementation keeps a minimum of 1 ms (modelling assumption: 0 is raised to 1)
                _samplingIntervalMs = Math.Max(1, m.Value14(1));
                _timer?.Change(Period(), Period());
                break;
            default:
                _ignored.Add(m);
                _logger.LogDebug("firmata: ignoring {Message}", m);
                break;
        }
    }

    private int PinState(int pin) => _modes[pin] switch
    {
        FirmataPinMode.Output or FirmataPinMode.Pwm => _states[pin],
        FirmataPinMode.InputPullup => 1,
        _ => 0,
    };

    private void SetMode(int pin, FirmataPinMode mode)
    {
        if (!UnoPinout.Supports(pin, mode))
        {
            _logger.LogDebug("firmata: pin {Pin} does not support mode {Mode}; ignored", pin, mode);
            return;
        }
        bool wasHigh = _modes[pin] == FirmataPinMode.Output && _states[pin] != 0;
        _modes[pin] = mode;
        if (mode != FirmataPinMode.Output && mode != FirmataPinMode.Pwm) _states[pin] = 0;
        int channel = UnoPinout.AnalogChannel(pin);
        if (channel >= 0) _analogReporting[channel] = mode == FirmataPinMode.Analog && _analogReporting[channel];
        if (wasHigh && mode != FirmataPinMode.Output) RecordEdge(pin, false);
    }

    private void WritePin(int pin, bool high)
    {
        if (pin >= UnoPinout.PinCount || _modes[pin] != FirmataPinMode.Output) return;
        bool was = _states[pin] != 0;
        _states[pin] = high ? 1 : 0;
        if (was != high) RecordEdge(pin, high);
    }

    private void WritePort(int port, int mask)
    {
        for (int bit = 0; bit < 8; bit++)
        {
            int pin = port * 8 + bit;
            if (pin < UnoPinout.PinCount) WritePin(pin, (mask >> bit & 1) != 0);
        }
    }

    private int PortInputs(int port)
    {
        int mask = 0;
        for (int bit = 0; bit < 8; bit++)
        {
            int pin = port * 8 + bit;
            if (pin >= UnoPinout.PinCount) break;
            // outputs read back their level; pull-up inputs read high; plain inputs read low (nothing wired)
            bool high = _modes[pin] switch
            {
                FirmataPinMode.Output => _states[pin] != 0,
                FirmataPinMode.InputPullup => true,
                _ => false,
            };
            if (high) mask |= 1 << bit;
        }
        return mask;
    }

    private void RecordEdge(int pin, bool high)
    {
        var edge = new DigitalEdge(pin, high, _clock.NowUnixNs, _edges.Count);
        _edges.Add(edge);
        EdgeRecorded?.Invoke(edge);
    }

    private void ResetState()
    {
        // after reset: analog-capable pins in analog mode, the others digital outputs at low, no reporting
        for (int pin = 0; pin < UnoPinout.PinCount; pin++)
        {
            bool wasHigh = _modes[pin] == FirmataPinMode.Output && _states[pin] != 0;
            _modes[pin] = UnoPinout.AnalogChannel(pin) >= 0 ? FirmataPinMode.Analog : FirmataPinMode.Output;
            _states[pin] = 0;
            if (wasHigh) RecordEdge(pin, false);
        }
        Array.Clear(_analogReporting);
        Array.Clear(_digitalReporting);
        _samplingIntervalMs = DefaultSamplingIntervalMs;
        _timer?.Change(Period(), Period());
    }

    private static int CheckPin(int pin) =>
        pin is >= 0 and < UnoPinout.PinCount ? pin : throw new ArgumentOutOfRangeException(nameof(pin), pin, $"pin must be 0–{UnoPinout.PinCount - 1}");
}
