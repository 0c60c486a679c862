using Twin.Drivers.Instruments;
using Twin.Drivers.Scpi;

namespace Twin.Drivers.IoBox;

/// <summary>
/// A source-measure unit whose readings carry the cell temperature from an <see cref="ArduinoIoBox"/>: every
/// <see cref="MeasureAsync"/> takes the instrument's reading and fills <see cref="SmuReading.TemperatureC"/> from the box,
/// so the temperature reaches the samples, the twin's records and the interlock's <c>max_temperature_C</c>.
/// </summary>
/// <remarks>
/// A stale or invalid temperature fails the reading with the box's <see cref="InstrumentException"/> — the runner
/// counts it as a failed reading and, after its limit of consecutive failures, stops with the output off. A temperature
/// the instrument measured itself is replaced. Sourcing and output-off go to the instrument only, so the output can
/// always be turned off even when the box is silent.
/// </remarks>
public sealed class TemperatureSourceMeter : ISourceMeter
{
    private readonly ISourceMeter _inner;
    private readonly ArduinoIoBox _box;
    private readonly bool _ownsBox;

    /// <summary>Wraps an instrument.</summary>
    /// <param name="inner">The instrument (owned: disposed with this one).</param>
    /// <param name="box">The I/O box giving the temperature.</param>
    /// <param name="ownsBox">Whether the box is disposed with this one (false when a trigger shares it).</param>
    public TemperatureSourceMeter(ISourceMeter inner, ArduinoIoBox box, bool ownsBox = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(box);
        _inner = inner;
        _box = box;
        _ownsBox = ownsBox;
    }

    /// <summary>The I/O box.</summary>
    public ArduinoIoBox Box => _box;

    /// <inheritdoc />
    public ScpiIdentity? Identity => _inner.Identity;

    /// <inheritdoc />
    public string Endpoint => _inner.Endpoint;

    /// <inheritdoc />
    public event Action<string>? LinkEvent
    {
        add => _inner.LinkEvent += value;
        remove => _inner.LinkEvent -= value;
    }

    /// <inheritdoc />
    public bool OutputOn => _inner.OutputOn;

    /// <inheritdoc />
    /// <remarks>Connects the instrument, then opens the I/O box (unless already open).</remarks>
    /// <exception cref="InstrumentException">The I/O box cannot be initialised or gives no valid temperature.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _inner.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await _box.OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task SourceCurrentAsync(double currentA, double voltageLimitV, CancellationToken cancellationToken = default) =>
        _inner.SourceCurrentAsync(currentA, voltageLimitV, cancellationToken);

    /// <inheritdoc />
    public Task SourceVoltageAsync(double voltageV, double currentLimitA, CancellationToken cancellationToken = default) =>
        _inner.SourceVoltageAsync(voltageV, currentLimitA, cancellationToken);

    /// <inheritdoc />
    public Task OutputOffAsync(CancellationToken cancellationToken = default) => _inner.OutputOffAsync(cancellationToken);

    /// <inheritdoc />
    /// <exception cref="InstrumentException">The temperature is stale or invalid (the box's message), or the box is not open.</exception>
    public async Task<SmuReading> MeasureAsync(CancellationToken cancellationToken = default)
    {
        var reading = await _inner.MeasureAsync(cancellationToken).ConfigureAwait(false);
        TemperatureReading t;
        try
        {
            t = _box.ReadTemperature();
        }
        catch (InvalidOperationException e)
        {
            throw new InstrumentException(_box.Endpoint, e.Message, e);
        }
        return reading with { TemperatureC = t.TemperatureC };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        if (_ownsBox) await _box.DisposeAsync().ConfigureAwait(false);
    }
}
