using Twin.Core.Cells;
using Twin.Messaging.Contracts;
using Twin.Service.Config;

namespace Twin.Service.Ingest;

/// <summary>One applied sample and the twin's answer to it.</summary>
/// <param name="Sample">The validated sample.</param>
/// <param name="Output">The twin's output.</param>
/// <param name="StoreTimeUnixNs">Timestamp to store the sample at: its own time, or 1 ns after the cell's
/// previous sample when the source repeats a timestamp, because InfluxDB keeps one point per series and
/// timestamp and would otherwise overwrite a sample.</param>
public readonly record struct IngestedSample(IngestSample Sample, TwinOutput Output, long StoreTimeUnixNs);

/// <summary>What one telemetry message produced for one cell, handed to storage.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="Instrument">Instrument named by the message, or null.</param>
/// <param name="Samples">Applied samples (duplicates and rejected ones left out) with the twin's outputs.</param>
/// <param name="Transitions">Zone transitions these samples caused.</param>
public sealed record IngestBatch(ExperimentCell Cell, string? Instrument, IReadOnlyList<IngestedSample> Samples, IReadOnlyList<ZoneTransition> Transitions)
{
    /// <summary>Samples dropped as duplicates (redeliveries of samples already applied).</summary>
    public int Duplicates { get; init; }

    /// <summary>Samples rejected by the sequence window or the counter check, in message order.</summary>
    public IReadOnlyList<SampleRejection> Rejections { get; init; } = [];

    /// <summary>Source-session changes these samples made (one line each), in message order.</summary>
    public IReadOnlyList<string> SessionChanges { get; init; } = [];

    /// <summary>Sequence gaps these samples opened, and the numbers missing in them.</summary>
    public (long Gaps, long Missing) GapsSeen { get; init; }

    /// <summary>The state payload after the last applied sample, or null when none applied.</summary>
    public TwinStatePayload? State { get; init; }

    /// <summary>Pattern records that waited for these samples and were offered to the estimator now (stored again with their outcome).</summary>
    public IReadOnlyList<PatternRecord> PatternUpdates { get; init; } = [];

    /// <summary>Rests these samples ended (at least one slope window long) and what their voltages gave.</summary>
    public IReadOnlyList<Twin.Service.Estimation.RestRecord> Rests { get; init; } = [];

    /// <summary>Times c_Li left [0, 1] (beyond the estimator's out-of-range σ) or came back.</summary>
    public IReadOnlyList<Twin.Service.Estimation.CLiRangeEvent> RangeEvents { get; init; } = [];

    /// <summary>The batches of consecutive messages of one cell as one batch (their lists joined in order, counts
    /// added, the last state); the instrument is theirs when they all name the same one, else null.</summary>
    /// <param name="cell">The cell of every batch.</param>
    /// <param name="batches">The batches, in the order they were applied; at least one.</param>
    /// <returns>The joined batch (the only one, unchanged, when there is one).</returns>
    /// <exception cref="ArgumentException">No batch was given.</exception>
    public static IngestBatch Combine(ExperimentCell cell, IReadOnlyList<IngestBatch> batches)
    {
        if (batches.Count == 0) throw new ArgumentException("at least one batch expected", nameof(batches));
        if (batches.Count == 1) return batches[0];
        string? instrument = batches.All(b => b.Instrument == batches[0].Instrument) ? batches[0].Instrument : null;
        return new IngestBatch(cell, instrument, [.. batches.SelectMany(b => b.Samples)], [.. batches.SelectMany(b => b.Transitions)])
        {
            Duplicates = batches.Sum(b => b.Duplicates),
            Rejections = [.. batches.SelectMany(b => b.Rejections)],
            SessionChanges = [.. batches.SelectMany(b => b.SessionChanges)],
            GapsSeen = (batches.Sum(b => b.GapsSeen.Gaps), batches.Sum(b => b.GapsSeen.Missing)),
            State = batches.LastOrDefault(b => b.State is not null)?.State,
            PatternUpdates = [.. batches.SelectMany(b => b.PatternUpdates)],
            Rests = [.. batches.SelectMany(b => b.Rests)],
            RangeEvents = [.. batches.SelectMany(b => b.RangeEvents)],
        };
    }
}

/// <summary>What became of one telemetry message: how many of its samples are stored (durably, with the cell's
/// checkpoint), were duplicates of samples stored before, or were rejected and why.</summary>
/// <param name="Stored">Samples applied and stored by this message.</param>
/// <param name="Duplicates">Samples already stored before (redeliveries); nothing new to store.</param>
/// <param name="Rejections">Samples rejected, with their reasons.</param>
public sealed record IngestOutcome(int Stored, int Duplicates, IReadOnlyList<SampleRejection> Rejections);

/// <summary>Where the twin service stores telemetry and twin outputs (InfluxDB through the durable spool, or the spool alone).</summary>
public interface ITwinStore
{
    /// <summary>Stores a batch; completes when it is durably accepted (on local disk at least).</summary>
    /// <param name="batch">Samples, outputs and transitions of one cell.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the batch is accepted.</returns>
    /// <exception cref="IOException">The store cannot accept the batch (e.g. spool full, disk full); nothing of it counts as stored.</exception>
    ValueTask StoreAsync(IngestBatch batch, CancellationToken cancellationToken);

    /// <summary>Stores a diffraction pattern record of a cell.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="pattern">The record, with c_Li at mid-exposure filled in.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the record is accepted.</returns>
    /// <exception cref="IOException">The store cannot accept the record.</exception>
    ValueTask StorePatternAsync(ExperimentCell cell, PatternRecord pattern, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the store would refuse a batch now, asked before a caller reads a request it would have to refuse (a
    /// cheap check, no I/O except a free-space query while the disk is known full).
    /// </summary>
    /// <returns>Null when it would accept; otherwise why, and whether the cause is lasting (spool or disk full: retry
    /// in seconds) rather than momentary (writes queued for the disk, heap near its limit: retry at once).</returns>
    StoreRefusal? RefusalNow() => null;

    /// <summary>
    /// Reads back the telemetry samples the store took at or after a time, in the order it took them, for start-up
    /// recovery after a crash (samples stored whose cell checkpoint was not yet saved).
    /// </summary>
    /// <param name="sinceUnixMs">When the store took them, ms since the Unix epoch; earlier ones may be skipped unread.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>Site, cell and the sample as stored (its time is the stored time).</returns>
    IAsyncEnumerable<(string Site, string Cell, IngestSample Sample)> ReadTelemetryAsync(long sinceUnixMs, CancellationToken cancellationToken);
}

/// <summary>Why a store would refuse a batch now (see <see cref="ITwinStore.RefusalNow"/>).</summary>
/// <param name="Reason">Human-readable reason, e.g. "the disk of spool '…' is full (… bytes free)".</param>
/// <param name="Lasting">True for spool full or disk full; false for a momentary cause (queue for the disk, memory).</param>
public sealed record StoreRefusal(string Reason, bool Lasting);
