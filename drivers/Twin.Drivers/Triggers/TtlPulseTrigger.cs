using Twin.Core.Samples;
using Twin.Drivers.Transports;

namespace Twin.Drivers.Triggers;

/// <summary>
/// Triggers a detector with a TTL pulse on the DTR or RTS output of a (USB-)serial port, optionally paired with a
/// <see cref="WatchedFolderTrigger"/> to pick up the integrated file the detector pipeline writes.
/// </summary>
/// <remarks>
/// The record's start is the time the leading edge was set (taken right after the modem-control call returned),
/// its end is start + exposure. Without a folder the call returns at the end of the exposure with the fixed metadata
/// of <see cref="TtlPulseOptions"/>; with a folder it returns when the file is complete, taking wavelength, 2θ range,
/// detector and URI from the file. On a port without modem lines (e.g. a pseudo-terminal) <see cref="OpenAsync"/>
/// fails with the transport's <see cref="TransportException"/>.
/// </remarks>
public sealed class TtlPulseTrigger : IDiffractometerTrigger
{
    private readonly ITransport _transport;
    private readonly TtlPulseOptions _options;
    private readonly WatchedFolderTrigger? _files;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _opened;
    private bool _disposed;

    /// <summary>Creates the trigger; nothing is opened until <see cref="OpenAsync"/>.</summary>
    /// <param name="transport">The serial port (owned: disposed with the trigger); must implement <see cref="IModemControl"/>.</param>
    /// <param name="options">Line, polarity, pulse width and fixed metadata; defaults when null.</param>
    /// <param name="files">Folder the detector pipeline writes into, or null (owned: disposed with the trigger).</param>
    /// <param name="timeProvider">Clock for the edge time and waits; the system clock when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The pulse width is below 1 ms or above 10 s.</exception>
    public TtlPulseTrigger(ITransport transport, TtlPulseOptions? options = null, WatchedFolderTrigger? files = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _options = options ?? new TtlPulseOptions();
        _options.ValidateWidth(nameof(options));
        _files = files;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => $"ttl {_options.Line} {_transport.Endpoint}";

    /// <inheritdoc />
    /// <remarks>Opens the port and drives the line to its idle level, so a port without modem lines fails here.</remarks>
    /// <exception cref="TransportException">The port cannot be opened or has no modem-control lines (a pseudo-terminal).</exception>
    /// <exception cref="TriggerException">The transport does not implement <see cref="IModemControl"/>, or the paired folder does not exist.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_transport is not IModemControl)
                throw new TriggerException(_transport.Endpoint, null, "transport has no modem-control lines (it does not implement IModemControl)");
            await _transport.OpenAsync(cancellationToken).ConfigureAwait(false);
            SetLine(active: false);
            if (_files is not null) await _files.OpenAsync(cancellationToken).ConfigureAwait(false);
            _opened = true;
        }
        finally { _gate.Release(); }
    }

    /// <inheritdoc />
    /// <exception cref="TransportException">Setting the modem line failed.</exception>
    public async Task<AcquiredPattern> AcquireAsync(string patternId, double exposureS, CancellationToken cancellationToken = default)
    {
        TriggerProtocol.ValidateRequest(patternId, exposureS);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_opened) throw new InvalidOperationException($"{Name}: call OpenAsync first");
            long startNs = await PulseAsync(cancellationToken).ConfigureAwait(false);
            return await PulseAcquisition.CompleteAsync(patternId, exposureS, startNs, _files, _options, _time, cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_files is not null) await _files.DisposeAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Sends one pulse; returns the leading-edge time, ns since the Unix epoch.</summary>
    private async Task<long> PulseAsync(CancellationToken ct)
    {
        SetLine(active: true);
        long edge = UnixTime.ToUnixNs(_time.GetUtcNow());
        long held = _time.GetTimestamp();
        try
        {
            // timers may fire a little early: top up until the full width has passed on the monotonic clock
            TimeSpan left;
            while ((left = _options.PulseWidth - _time.GetElapsedTime(held)) > TimeSpan.Zero)
            {
                if (left > TimeSpan.FromMilliseconds(1)) await Task.Delay(left, _time, ct).ConfigureAwait(false);
                else Thread.Yield();
            }
        }
        finally
        {
            SetLine(active: false); // never leave the line active, even when cancelled
        }
        return edge;
    }

    private void SetLine(bool active)
    {
        bool asserted = _options.Polarity == TtlPolarity.AssertDuringPulse ? active : !active;
        var modem = (IModemControl)_transport;
        if (_options.Line == ModemLine.Dtr) modem.SetDtr(asserted);
        else modem.SetRts(asserted);
    }
}
