using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;

namespace Twin.Storage.Spool;

/// <summary>
/// Publishes a spool's metrics as <see cref="System.Diagnostics.Metrics"/> instruments of the meter
/// <see cref="MeterName"/> (for OpenTelemetry or dotnet-counters), tagged with the spool directory.
/// </summary>
public sealed class SpoolMeter : IDisposable
{
    /// <summary>Name of the meter: <c>Twin.Storage</c>.</summary>
    public const string MeterName = "Twin.Storage";

    private readonly Meter _meter;

    internal SpoolMeter(PointSpool spool)
    {
        _meter = new Meter(MeterName, "1.0");
        var tag = new KeyValuePair<string, object?>("spool.directory", spool.Directory);
        Measurement<long> L(Func<SpoolMetrics, long> f) => new(f(spool.GetMetrics()), tag);
        Measurement<double> D(Func<SpoolMetrics, double> f) => new(f(spool.GetMetrics()), tag);
        _meter.CreateObservableCounter("twin.storage.points.accepted", () => L(m => m.PointsAccepted), "{point}", "Points durably accepted by the spool");
        _meter.CreateObservableCounter("twin.storage.points.written", () => L(m => m.PointsWritten), "{point}", "Points confirmed by the database");
        _meter.CreateObservableCounter("twin.storage.points.quarantined", () => L(m => m.QuarantinedLines), "{point}", "Points refused by the database and quarantined");
        _meter.CreateObservableCounter("twin.storage.writer.retries", () => L(m => m.Retries), "{retry}", "Write retries");
        _meter.CreateObservableCounter("twin.storage.spool.full_rejections", () => L(m => m.SpoolFullRejections), "{call}", "Writes refused because the spool was full");
        _meter.CreateObservableGauge("twin.storage.spool.pending_records", () => L(m => m.PendingRecords), "{point}", "Points on disk not yet confirmed");
        _meter.CreateObservableGauge("twin.storage.spool.pending_bytes", () => L(m => m.PendingBytes), "By", "Bytes on disk not yet confirmed");
        _meter.CreateObservableGauge("twin.storage.spool.disk_bytes", () => L(m => m.DiskBytes), "By", "Bytes of segment files");
        _meter.CreateObservableGauge("twin.storage.spool.oldest_unconfirmed_age", () => D(m => m.OldestUnconfirmedAge.TotalSeconds), "s", "Age of the oldest unconfirmed point");
        _meter.CreateObservableGauge("twin.storage.spool.full", () => L(m => m.IsFull ? 1 : 0), "1", "1 while the spool refuses writes");
        _meter.CreateObservableGauge("twin.storage.writer.circuit_open", () => L(m => m.Circuit is CircuitState.Open or CircuitState.Isolated ? 1 : 0), "1", "1 while the database circuit is open");
    }

    /// <summary>Removes the instruments.</summary>
    public void Dispose() => _meter.Dispose();
}
