using Twin.Drivers.Scpi;

namespace Twin.Drivers.Instruments;

/// <summary>
/// A potentiostat or source-measure unit channel as the experiment runner uses it: galvanostatic and
/// potentiostatic sourcing with compliance, output off, and timestamped readings.
/// </summary>
/// <remarks>
/// Sign convention: positive current charges the cell (wire the instrument's HI/force terminal to the
/// positive electrode). Implementations leave the output off (high impedance where the instrument supports it)
/// after <see cref="ConnectAsync"/> and on <see cref="OutputOffAsync"/> and <see cref="IAsyncDisposable.DisposeAsync"/>.
/// </remarks>
public interface ISourceMeter : IAsyncDisposable
{
    /// <summary>Identity reported by the instrument after <see cref="ConnectAsync"/>, or null before.</summary>
    ScpiIdentity? Identity { get; }

    /// <summary>Endpoint of the instrument link, e.g. <c>tcp://192.168.1.20:5025</c>.</summary>
    string Endpoint { get; }

    /// <summary>Raised when the link to the instrument is lost, re-established or given up (text for the event log).</summary>
    event Action<string>? LinkEvent;

    /// <summary>Whether the output is on (as last commanded).</summary>
    bool OutputOn { get; }

    /// <summary>Opens the link, identifies and configures the instrument, and leaves the output off (high impedance where supported, without a reset that would load the cell).</summary>
    /// <exception cref="ScpiException">The instrument does not answer, reports an error or is not the expected model.</exception>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Sources a constant current with a voltage limit (compliance) and turns the output on.</summary>
    /// <param name="currentA">Current, A; positive = charge.</param>
    /// <param name="voltageLimitV">Compliance voltage, V (the instrument will not drive the terminal voltage beyond it).</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <exception cref="ScpiException">The instrument rejects a command (its error text is in the message).</exception>
    Task SourceCurrentAsync(double currentA, double voltageLimitV, CancellationToken cancellationToken = default);

    /// <summary>Sources a constant voltage with a current limit (compliance) and turns the output on.</summary>
    /// <param name="voltageV">Voltage, V.</param>
    /// <param name="currentLimitA">Compliance current magnitude, A.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <exception cref="ScpiException">The instrument rejects a command.</exception>
    Task SourceVoltageAsync(double voltageV, double currentLimitA, CancellationToken cancellationToken = default);

    /// <summary>Turns the output off (high impedance where supported: no current flows through the cell).</summary>
    /// <exception cref="ScpiException">The instrument cannot be reached.</exception>
    Task OutputOffAsync(CancellationToken cancellationToken = default);

    /// <summary>Takes one reading.</summary>
    /// <exception cref="ScpiException">No valid reply.</exception>
    Task<SmuReading> MeasureAsync(CancellationToken cancellationToken = default);
}
