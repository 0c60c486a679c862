namespace Twin.Drivers.Transports;

/// <summary>
/// A byte link to an instrument: a raw TCP socket (SCPI port 5025 by default) or a Linux serial port
/// (termios). One interface for both so the SCPI session and the trigger drivers do not care which.
/// </summary>
/// <remarks>
/// A transport is opened, used through <see cref="Stream"/> and may be re-opened after the link was lost
/// (<see cref="OpenAsync"/> closes a previous connection first). Failures surface as
/// <see cref="TransportException"/> naming <see cref="Endpoint"/>.
/// </remarks>
public interface ITransport : IAsyncDisposable
{
    /// <summary>Human-readable address, e.g. <c>tcp://127.0.0.1:5025</c> or <c>serial:///dev/ttyUSB0?baud=9600</c>.</summary>
    string Endpoint { get; }

    /// <summary>Whether a connection is open (it may still fail on the next read or write).</summary>
    bool IsOpen { get; }

    /// <summary>Opens (or re-opens) the link.</summary>
    /// <exception cref="TransportException">The endpoint cannot be reached or configured.</exception>
    Task OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>The byte stream of the open link. Reads honour cancellation; a closed link ends reads with 0 or a <see cref="TransportException"/>.</summary>
    /// <exception cref="InvalidOperationException">The transport is not open.</exception>
    Stream Stream { get; }

    /// <summary>Closes the link; safe to call when already closed.</summary>
    void Close();
}
