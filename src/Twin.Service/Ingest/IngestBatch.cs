using Twin.Core.Cells;
using Twin.Messaging.Contracts;
using Twin.Service.Config;

namespace Twin.Service.Ingest;

/// <summary>One sample as received and the twin's answer to it.</summary>
/// <param name="Sample">The sample on the wire.</param>
/// <param name="Output">The twin's output.</param>
/// <param name="StoreTimeUnixNs">Timestamp to store the sample at: its own time, or 1 ns after the cell's
/// previous sample when the source repeats (or steps back in) time, because InfluxDB keeps one point per
/// series and timestamp and would otherwise overwrite a sample.</param>
public readonly record struct IngestedSample(TelemetrySample Sample, TwinOutput Output, long StoreTimeUnixNs);

/// <summary>What one telemetry message produced for one cell, handed to storage.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="Instrument">Instrument named by the message, or null.</param>
/// <param name="Samples">Accepted samples (duplicates dropped) with the twin's outputs.</param>
/// <param name="Transitions">Zone transitions these samples caused.</param>
public sealed record IngestBatch(ExperimentCell Cell, string? Instrument, IReadOnlyList<IngestedSample> Samples, IReadOnlyList<ZoneTransitionPayload> Transitions);

/// <summary>Where the twin service stores telemetry and twin outputs (InfluxDB through the durable spool, or the spool alone).</summary>
public interface ITwinStore
{
    /// <summary>Stores a batch; completes when it is durably accepted (on local disk at least).</summary>
    /// <param name="batch">Samples, outputs and transitions of one cell.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the batch is accepted.</returns>
    /// <exception cref="IOException">The store cannot accept the batch (e.g. spool full); nothing of it counts as stored.</exception>
    ValueTask StoreAsync(IngestBatch batch, CancellationToken cancellationToken);

    /// <summary>Stores a diffraction pattern record of a cell.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="pattern">The record, with c_Li at mid-exposure filled in.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the record is accepted.</returns>
    /// <exception cref="IOException">The store cannot accept the record.</exception>
    ValueTask StorePatternAsync(ExperimentCell cell, PatternRecord pattern, CancellationToken cancellationToken);
}
