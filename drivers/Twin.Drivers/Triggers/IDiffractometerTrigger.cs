namespace Twin.Drivers.Triggers;

/// <summary>
/// One way of starting (or waiting for) a diffraction acquisition: a trigger box on a line protocol
/// (<see cref="TcpLineTrigger"/>), a TTL pulse on a serial modem line (<see cref="TtlPulseTrigger"/>) or on a digital pin of
/// the Arduino I/O box (<see cref="FirmataPulseTrigger"/>), or a folder the
/// detector pipeline writes integrated patterns into (<see cref="WatchedFolderTrigger"/>).
/// </summary>
/// <remarks>Calls to <see cref="AcquireAsync"/> are serialised by the implementations: one exposure at a time.</remarks>
public interface IDiffractometerTrigger : IAsyncDisposable
{
    /// <summary>Short name for logs and records, e.g. "trigger-box tcp://10.0.0.5:7000".</summary>
    string Name { get; }

    /// <summary>Opens the link (or starts watching) and checks that the acquisition path is usable.</summary>
    /// <exception cref="TriggerException">The path is not usable (no answer, no modem lines, folder missing…).</exception>
    /// <exception cref="Transports.TransportException">The underlying link failed; the message names the endpoint.</exception>
    Task OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Acquires one pattern and returns its record once the exposure has finished.</summary>
    /// <param name="patternId">Pattern id, unique per cell; 1–64 characters of <c>[A-Za-z0-9_.-]</c>, not starting with '.'.</param>
    /// <param name="exposureS">Exposure time, s (&gt; 0, finite).</param>
    /// <param name="cancellationToken">Cancels the wait (the instrument may still finish the exposure).</param>
    /// <returns>The record of the finished exposure.</returns>
    /// <exception cref="ArgumentException">Invalid pattern id or exposure.</exception>
    /// <exception cref="TriggerException">The instrument refused, did not answer in time, answered nonsense or the link was lost; the message names the endpoint and the pattern id.</exception>
    Task<AcquiredPattern> AcquireAsync(string patternId, double exposureS, CancellationToken cancellationToken = default);
}
