using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Ingest;
using Twin.Storage;
using Twin.Storage.LineProtocol;
using Twin.Storage.Spool;

namespace Twin.Service.Storage;

/// <summary>
/// Stores batches as line-protocol points in the durable spool: on disk before the call completes, then
/// drained to InfluxDB in order when a database is configured (the spool alone is the embedded store).
/// </summary>
/// <param name="sink">The spool (or any durable point sink).</param>
public sealed class SpoolTwinStore(IPointSink sink) : ITwinStore
{
    /// <inheritdoc />
    public async ValueTask StoreAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        var points = new List<LinePoint>(batch.Samples.Count * 2 + batch.Transitions.Count);
        TwinPoints.Append(batch, points);
        await sink.WriteAsync(points, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask StorePatternAsync(ExperimentCell cell, PatternRecord pattern, CancellationToken cancellationToken) =>
        await sink.WriteAsync([TwinPoints.Pattern(cell, pattern)], cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public StoreRefusal? RefusalNow() => sink is PointSpool spool && spool.CheckAdmission() is { Accepts: false } a
        ? new StoreRefusal(a.Reason, a.Refusal is SpoolRefusal.SpoolFull or SpoolRefusal.DiskFull)
        : null;

    /// <inheritdoc />
    /// <remarks>Reads the spool's records on disk, confirmed ones included; a sink that is not a spool has nothing to read back.</remarks>
    public async IAsyncEnumerable<(string Site, string Cell, IngestSample Sample)> ReadTelemetryAsync(long sinceUnixMs,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (sink is not PointSpool spool) yield break;
        await foreach (var record in spool.ReadAsync(includeConfirmed: true, cancellationToken).ConfigureAwait(false))
        {
            if (record.AppendedAt.ToUnixTimeMilliseconds() < sinceUnixMs || !record.Line.Span.StartsWith("telemetry,"u8)) continue;
            if (TwinPoints.TryReadTelemetry(record.ToPoint(), out var site, out var cell, out var sample)) yield return (site, cell, sample);
        }
    }
}
