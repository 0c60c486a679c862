using System.Device.Analog;
using System.Device.Gpio;
using Iot.Device.Arduino;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Twin.Core.Samples;
using Twin.Drivers.Instruments;
using Twin.Drivers.Transports;

namespace Twin.Drivers.IoBox;

/// <summary>
/// An Arduino running StandardFirmata as the lab I/O box: a temperature sensor on an analog input (converted with
/// <see cref="IoBoxOptions.Conversion"/>) and a digital output for TTL triggers. The board is driven by
/// <c>Iot.Device.Arduino.ArduinoBoard</c> (Iot.Device.Bindings) over the project's own transport
/// (<see cref="ITransport.Stream"/>, e.g. <see cref="SerialTransport"/> at 57600 baud, StandardFirmata's rate).
/// </summary>
/// <remarks>
/// The board reports the analog channel every sampling interval (Firmata protocol, "Sampling Interval"); each report is
/// checked (counts within the ADC's range, temperature within the sensor's specified range) and time-stamped. A reading
/// fails with an <see cref="InstrumentException"/> when no valid report arrived within <see cref="IoBoxOptions.StaleAfter"/>
/// — a silent board, a garbled link or an unplugged sensor is a fault, never a silently missing or stale temperature.
/// </remarks>
public sealed class ArduinoIoBox : IAsyncDisposable
{
    private readonly ITransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _openGate = new(1, 1);
    private ArduinoBoard? _board;
    private AnalogController? _analog;
    private AnalogInputPin? _pin;
    private GpioController? _gpio;
    private int _adcBits;
    private TaskCompletionSource _firstReport = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (uint Counts, long Timestamp, long UnixNs)? _last;
    private long _valid, _rejected;
    private string? _lastRejection;
    private bool _disposed;

    /// <summary>Creates the I/O box; nothing is opened until <see cref="OpenAsync"/>.</summary>
    /// <param name="transport">The link to the board (owned: disposed with the box).</param>
    /// <param name="options">Pins, conversion, staleness; defaults when null.</param>
    /// <param name="timeProvider">Clock for report times and staleness; the system clock when null.</param>
    /// <param name="logger">Logger (optional).</param>
    /// <exception cref="ArgumentException">Invalid options (see <see cref="IoBoxOptions.Validate"/>).</exception>
    public ArduinoIoBox(ITransport transport, IoBoxOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        Options = options ?? new IoBoxOptions();
        Options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The settings.</summary>
    public IoBoxOptions Options { get; }

    /// <summary>The link's endpoint, e.g. <c>serial:///dev/ttyACM0?baud=57600</c>.</summary>
    public string Endpoint => _transport.Endpoint;

    /// <summary>Firmware name and version reported by the board (after <see cref="OpenAsync"/>), e.g. "StandardFirmata.ino 2.5".</summary>
    public string? Firmware { get; private set; }

    /// <summary>How long the last <see cref="OpenAsync"/> took (board initialisation and first temperature report).</summary>
    public TimeSpan OpenDuration { get; private set; }

    /// <summary>Whether the box is open.</summary>
    public bool IsOpen
    {
        get { lock (_gate) return _board is not null; }
    }

    /// <summary>Valid temperature reports received.</summary>
    public long ValidReports => Interlocked.Read(ref _valid);

    /// <summary>Temperature reports rejected (counts beyond the ADC's range or a temperature outside the sensor's range).</summary>
    public long RejectedReports => Interlocked.Read(ref _rejected);

    /// <summary>
    /// Opens the link, initialises the board (version, firmware, capabilities, analog mapping), starts reporting the
    /// temperature channel, sets the trigger pin (if any) to an output at low, and waits for the first valid temperature.
    /// Does nothing when already open.
    /// </summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="TransportException">The link cannot be opened.</exception>
    /// <exception cref="InstrumentException">The board does not answer within <see cref="IoBoxOptions.ConnectTimeout"/>, lacks
    /// the configured pins, or sends no valid temperature within <see cref="IoBoxOptions.StaleAfter"/>.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        await _openGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (IsOpen) return;
            long start = _time.GetTimestamp();
            await _transport.OpenAsync(cancellationToken).ConfigureAwait(false);
            _firstReport = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate) _last = null;
            var init = Task.Run(Initialise, CancellationToken.None);
            try
            {
                await init.WaitAsync(Options.ConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                CloseBoard();
                throw new InstrumentException(Endpoint, $"the Arduino did not complete the Firmata handshake within {Options.ConnectTimeout.TotalSeconds:0.#} s (is StandardFirmata loaded, and the baud rate 57600?)");
            }
            catch (Exception e) when (e is not OperationCanceledException and not InstrumentException)
            {
                CloseBoard();
                throw new InstrumentException(Endpoint, $"Firmata initialisation failed: {e.Message}", e);
            }
            catch
            {
                CloseBoard();
                throw;
            }
            try
            {
                await _firstReport.Task.WaitAsync(Options.StaleAfter, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                string why = RejectionSummary();
                CloseBoard();
                throw new InstrumentException(Endpoint, $"no valid temperature report from A{Options.TemperatureChannel} within {Options.StaleAfter.TotalSeconds:0.###} s of enabling it{why}");
            }
            catch
            {
                CloseBoard();
                throw;
            }
            OpenDuration = _time.GetElapsedTime(start);
            _logger.LogInformation("I/O box {Endpoint}: {Firmware}, temperature on A{Channel}, trigger pin {Pin}, open in {Ms:0} ms",
                Endpoint, Firmware, Options.TemperatureChannel, Options.TriggerPin?.ToString() ?? "none", OpenDuration.TotalMilliseconds);
        }
        finally { _openGate.Release(); }
    }

    private void Initialise()
    {
        var board = new ArduinoBoard(_transport.Stream, false);
        lock (_gate) _board = board;
        // the first query initialises the connection (version, firmware, capabilities, analog mapping)
        Version firmware = board.FirmwareVersion;
        Firmware = $"{board.FirmwareName} {firmware}";
        var analog = board.CreateAnalogController(0);
        lock (_gate) _analog = analog;
        int ch = Options.TemperatureChannel;
        int pinNumber;
        try { pinNumber = analog.ConvertAnalogChannelNumberToPinNumber(ch); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            throw new InstrumentException(Endpoint, $"the board has no analog input A{ch} (io_box.temperature_pin)", e);
        }
        if (pinNumber < 0 || !analog.SupportsAnalogInput(pinNumber))
            throw new InstrumentException(Endpoint, $"the board has no analog input A{ch} (io_box.temperature_pin)");
        var pin = analog.OpenPin(pinNumber);
        lock (_gate)
        {
            _pin = pin;
            _adcBits = pin.AdcResolutionBits;
        }
        if (Options.SamplingInterval is { } interval) board.SetAnalogInputSamplingInterval(interval);
        if (Options.TriggerPin is int trigger)
        {
            var gpio = board.CreateGpioController();
            lock (_gate) _gpio = gpio;
            if (!gpio.IsPinModeSupported(trigger, PinMode.Output))
                throw new InstrumentException(Endpoint, $"pin {trigger} cannot be a digital output on this board (io_box.trigger_pin)");
            gpio.OpenPin(trigger, PinMode.Output, PinValue.Low);
        }
        pin.ValueChanged += OnValue;
        pin.EnableAnalogValueChangedEvent(null, 0);
    }

    private void OnValue(object sender, ValueChangedEventArgs e)
    {
        uint counts = e.RawValue;
        int bits;
        lock (_gate) bits = _adcBits;
        string? why = null;
        if (bits is < 1 or > 16 || counts >= 1u << bits) why = $"{counts} counts exceed the {bits}-bit ADC";
        else
        {
            double t = Options.Conversion.ToCelsius(counts, bits);
            if (t < Options.Conversion.MinValidC || t > Options.Conversion.MaxValidC)
                why = $"{counts} counts = {t:0.0} °C lies outside the sensor's range {Options.Conversion.MinValidC:0.#}…{Options.Conversion.MaxValidC:0.#} °C";
        }
        if (why is not null)
        {
            Interlocked.Increment(ref _rejected);
            lock (_gate) _lastRejection = why;
            return;
        }
        Interlocked.Increment(ref _valid);
        lock (_gate) _last = (counts, _time.GetTimestamp(), UnixTime.ToUnixNs(_time.GetUtcNow()));
        _firstReport.TrySetResult();
    }

    /// <summary>The latest temperature.</summary>
    /// <returns>The reading.</returns>
    /// <exception cref="InvalidOperationException">Not open.</exception>
    /// <exception cref="InstrumentException">No valid report within <see cref="IoBoxOptions.StaleAfter"/> (the message says how long, and why reports were rejected).</exception>
    public TemperatureReading ReadTemperature()
    {
        (uint Counts, long Timestamp, long UnixNs)? last;
        int bits;
        lock (_gate)
        {
            if (_board is null) throw new InvalidOperationException($"{Endpoint}: the I/O box is not open (call OpenAsync first)");
            last = _last;
            bits = _adcBits;
        }
        if (last is not { } l)
            throw new InstrumentException(Endpoint, $"no valid temperature report from A{Options.TemperatureChannel} yet{RejectionSummary()}");
        var age = _time.GetElapsedTime(l.Timestamp);
        if (age > Options.StaleAfter)
            throw new InstrumentException(Endpoint, $"temperature is stale: no valid report from A{Options.TemperatureChannel} for {age.TotalSeconds:0.###} s (limit {Options.StaleAfter.TotalSeconds:0.###} s; the board is silent or its link garbled){RejectionSummary()}");
        var c = Options.Conversion;
        return new TemperatureReading(c.ToCelsius(l.Counts, bits), l.Counts, c.ToVolts(l.Counts, bits), l.UnixNs, age);
    }

    /// <summary>Sets the trigger output.</summary>
    /// <param name="high">The level.</param>
    /// <exception cref="InvalidOperationException">Not open, or no trigger pin configured.</exception>
    /// <exception cref="InstrumentException">The board link failed.</exception>
    public void SetTrigger(bool high)
    {
        GpioController gpio;
        lock (_gate)
        {
            if (_board is null) throw new InvalidOperationException($"{Endpoint}: the I/O box is not open (call OpenAsync first)");
            gpio = _gpio ?? throw new InvalidOperationException($"{Endpoint}: no trigger pin configured (io_box.trigger_pin)");
        }
        try
        {
            gpio.Write(Options.TriggerPin!.Value, high ? PinValue.High : PinValue.Low);
        }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException or TransportException)
        {
            throw new InstrumentException(Endpoint, $"setting trigger pin {Options.TriggerPin} {(high ? "high" : "low")} failed: {e.Message}", e);
        }
    }

    private string RejectionSummary()
    {
        long n = RejectedReports;
        if (n == 0) return "";
        lock (_gate) return $"; {n} reports rejected so far, the last because {_lastRejection}";
    }

    private void CloseBoard()
    {
        AnalogInputPin? pin;
        AnalogController? analog;
        GpioController? gpio;
        ArduinoBoard? board;
        lock (_gate)
        {
            (pin, analog, gpio, board) = (_pin, _analog, _gpio, _board);
            (_pin, _analog, _gpio, _board) = (null, null, null, null);
        }
        if (pin is not null) pin.ValueChanged -= OnValue;
        foreach (IDisposable? d in new IDisposable?[] { pin, analog, gpio, board })
        {
            try { d?.Dispose(); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or TimeoutException or TransportException)
            {
                _logger.LogDebug("I/O box {Endpoint}: ignoring {Error} while closing", Endpoint, e.Message);
            }
        }
        // the board's Dispose ends its input thread; with the link closed before it, that (foreground) thread kept
        // spinning on the closed stream and held a finished `twin drive` open — so the link is closed last
        _transport.Close();
    }

    /// <summary>Closes the board and disposes the link (the trigger pin keeps the idle level its trigger left it at).</summary>
    /// <returns>A task completing when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _openGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            CloseBoard();
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        finally { _openGate.Release(); }
    }
}
