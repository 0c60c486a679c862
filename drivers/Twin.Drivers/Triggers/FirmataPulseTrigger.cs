using Twin.Core.Samples;
using Twin.Drivers.Instruments;
using Twin.Drivers.IoBox;

namespace Twin.Drivers.Triggers;

/// <summary>
/// Triggers a detector with a TTL pulse on a digital output of the Arduino I/O box (<see cref="ArduinoIoBox"/>,
/// <see cref="IoBoxOptions.TriggerPin"/>), one pulse per pattern, optionally paired with a
/// <see cref="WatchedFolderTrigger"/> to pick up the integrated file the detector pipeline writes.
/// </summary>
/// <remarks>
/// Same record semantics as <see cref="TtlPulseTrigger"/>: the start is the time the leading edge was sent, the end
/// start + exposure; without a folder the call returns at the end of the exposure with the fixed metadata of
/// <see cref="FirmataPulseOptions"/>, with a folder when the file is complete.
/// </remarks>
public sealed class FirmataPulseTrigger : IDiffractometerTrigger
{
    private readonly ArduinoIoBox _box;
    private readonly bool _ownsBox;
    private readonly FirmataPulseOptions _options;
    private readonly WatchedFolderTrigger? _files;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _opened;
    private bool _disposed;

    /// <summary>Creates the trigger; nothing is opened until <see cref="OpenAsync"/>.</summary>
    /// <param name="box">The I/O box, with a <see cref="IoBoxOptions.TriggerPin"/>.</param>
    /// <param name="options">Polarity, width and fixed metadata; defaults when null.</param>
    /// <param name="files">Folder the detector pipeline writes into, or null (owned).</param>
    /// <param name="ownsBox">Whether the box is disposed with the trigger (false when a <see cref="TemperatureSourceMeter"/> shares it).</param>
    /// <param name="timeProvider">Clock for the edge time and waits; the system clock when null.</param>
    /// <exception cref="ArgumentException">The box has no trigger pin, or the pulse width is outside 1 ms – 10 s.</exception>
    public FirmataPulseTrigger(ArduinoIoBox box, FirmataPulseOptions? options = null, WatchedFolderTrigger? files = null, bool ownsBox = true, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(box);
        if (box.Options.TriggerPin is null) throw new ArgumentException($"{box.Endpoint}: the I/O box has no trigger pin (io_box.trigger_pin)", nameof(box));
        _box = box;
        _ownsBox = ownsBox;
        _options = options ?? new FirmataPulseOptions();
        _options.ValidateWidth(nameof(options));
        _files = files;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => $"firmata pin {_box.Options.TriggerPin} {_box.Endpoint}";

    /// <inheritdoc />
    /// <remarks>Opens the box (unless already open) and drives the pin to its idle level.</remarks>
    /// <exception cref="TriggerException">The box cannot be opened or the pin set.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                await _box.OpenAsync(cancellationToken).ConfigureAwait(false);
                _box.SetTrigger(!_options.ActiveHigh);
            }
            catch (InstrumentException e)
            {
                throw new TriggerException(_box.Endpoint, null, e.Message.StartsWith(_box.Endpoint, StringComparison.Ordinal) ? e.Message[(_box.Endpoint.Length + 2)..] : e.Message, e);
            }
            if (_files is not null) await _files.OpenAsync(cancellationToken).ConfigureAwait(false);
            _opened = true;
        }
        finally { _gate.Release(); }
    }

    /// <inheritdoc />
    public async Task<AcquiredPattern> AcquireAsync(string patternId, double exposureS, CancellationToken cancellationToken = default)
    {
        TriggerProtocol.ValidateRequest(patternId, exposureS);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_opened) throw new InvalidOperationException($"{Name}: call OpenAsync first");
            long startNs;
            try { startNs = await PulseAsync(cancellationToken).ConfigureAwait(false); }
            catch (InstrumentException e) { throw new TriggerException(_box.Endpoint, patternId, e.Message, e); }
            return await PulseAcquisition.CompleteAsync(patternId, exposureS, startNs, _files, _options, _time, cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
    }

    private async Task<long> PulseAsync(CancellationToken ct)
    {
        _box.SetTrigger(_options.ActiveHigh);
        long edge = UnixTime.ToUnixNs(_time.GetUtcNow());
        long held = _time.GetTimestamp();
        try
        {
            TimeSpan left;
            while ((left = _options.PulseWidth - _time.GetElapsedTime(held)) > TimeSpan.Zero)
            {
                if (left > TimeSpan.FromMilliseconds(1)) await Task.Delay(left, _time, ct).ConfigureAwait(false);
                else Thread.Yield();
            }
        }
        finally
        {
            _box.SetTrigger(!_options.ActiveHigh); // never leave the line active, even when cancelled
        }
        return edge;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_files is not null) await _files.DisposeAsync().ConfigureAwait(false);
        if (_ownsBox) await _box.DisposeAsync().ConfigureAwait(false);
    }
}
