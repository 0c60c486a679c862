using System.Diagnostics.Metrics;

namespace Twin.Service.Metrics;

/// <summary>
/// Counters and gauges of the twin service as <see cref="System.Diagnostics.Metrics"/> instruments of the meter
/// <see cref="MeterName"/> (observable: read when collected), so any .NET metrics listener sees them — <c>dotnet-counters
/// monitor --counters Twin.Service</c>, an OpenTelemetry exporter — and exposed by the service itself at <c>/metrics</c>
/// in the Prometheus text format and in <c>/health</c> (<see cref="PrometheusExposition"/>). Instrument names are the
/// Prometheus names. Thread-safe.
/// </summary>
public sealed class ServiceMetrics : IDisposable
{
    /// <summary>Name of the meter holding the service's instruments.</summary>
    public const string MeterName = "Twin.Service";

    private long _messages, _samples, _duplicates, _gaps, _rejected, _states, _alarms, _storeErrors, _patterns;
    private long _lastLagNs;
    private readonly object _rate = new();
    private readonly TimeProvider _time;
    private (DateTimeOffset At, long Samples) _rateMark;
    private double _rateValue;
    private long _rejectedSamples, _busy, _tooLarge, _unavailable;
    private readonly Dictionary<(string Family, string Site, string Cell, string Reason), long> _perCell = [];
    private readonly Meter _meter = new(MeterName);
    private readonly PrometheusExposition _exposition;

    /// <summary>Creates the metrics and their instruments.</summary>
    /// <param name="time">The service's clock (ingest rate); default the system clock.</param>
    public ServiceMetrics(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _rateMark = (_time.GetUtcNow(), 0);
        Counter("twin_messages_total", "telemetry messages received", () => Messages);
        Counter("twin_samples_total", "samples applied to twins", () => Samples);
        Counter("twin_duplicates_total", "samples dropped as duplicates (redeliveries)", () => Duplicates);
        Counter("twin_sequence_gaps_total", "sequence gaps seen", () => Gaps);
        Counter("twin_rejected_messages_total", "messages rejected as malformed or for unknown cells", () => Rejected);
        Counter("twin_rejected_samples_total", "samples rejected by a cell's sequence window or counter check", () => RejectedSamplesTotal);
        Counter("twin_telemetry_too_large_total", "telemetry messages refused for their size", () => Interlocked.Read(ref _tooLarge));
        Counter("twin_http_telemetry_busy_total", "HTTP telemetry requests refused (503) at the in-flight memory budget", () => Interlocked.Read(ref _busy));
        Counter("twin_http_telemetry_unavailable_total", "HTTP telemetry requests refused (503) because the store could not take them", () => Interlocked.Read(ref _unavailable));
        Counter("twin_states_published_total", "state messages published", () => StatesPublished);
        Counter("twin_alarms_published_total", "alarm messages published", () => AlarmsPublished);
        Counter("twin_store_errors_total", "batches the store could not accept", () => StoreErrors);
        Counter("twin_patterns_total", "pattern records stored", () => Patterns);
        Counter("twin_ingest_groups_total", "telemetry message groups handled (one storage write and one checkpoint each)", () => IngestGroups);
        Gauge("twin_ingest_rate_samples_per_s", "samples applied per second (over the last second or more)", IngestRate);
        Gauge("twin_lag_s", "processing time minus sample time of the newest sample, s", () => LastLagS);
        PerCell("twin_cell_rejected_messages_total", "telemetry messages of a cell rejected, by reason");
        PerCell("twin_cell_rejected_samples_total", "telemetry samples of a cell rejected, by reason");
        _exposition = new PrometheusExposition(_meter);
    }

    /// <summary>Telemetry messages received.</summary>
    public long Messages => Interlocked.Read(ref _messages);
    /// <summary>Samples applied to twins.</summary>
    public long Samples => Interlocked.Read(ref _samples);
    /// <summary>Samples dropped as duplicates (redeliveries).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);
    /// <summary>Sequence gaps seen.</summary>
    public long Gaps => Interlocked.Read(ref _gaps);
    /// <summary>Messages rejected as malformed or for unknown cells.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);
    /// <summary>State messages published.</summary>
    public long StatesPublished => Interlocked.Read(ref _states);
    /// <summary>Alarm messages published.</summary>
    public long AlarmsPublished => Interlocked.Read(ref _alarms);
    /// <summary>Batches the store could not accept.</summary>
    public long StoreErrors => Interlocked.Read(ref _storeErrors);
    /// <summary>Pattern records stored.</summary>
    public long Patterns => Interlocked.Read(ref _patterns);
    /// <summary>Lag of the last sample: processing time minus sample time, s.</summary>
    public double LastLagS => Interlocked.Read(ref _lastLagNs) / 1e9;

    /// <summary>Records a received message.</summary>
    public void Message() => Interlocked.Increment(ref _messages);
    /// <summary>Records applied samples and the lag of the newest one.</summary>
    /// <param name="count">Samples applied.</param>
    /// <param name="lastSampleUnixNs">Time of the newest sample.</param>
    /// <param name="nowUnixNs">The service's clock, ns since the Unix epoch.</param>
    public void Applied(int count, long lastSampleUnixNs, long nowUnixNs)
    {
        Interlocked.Add(ref _samples, count);
        if (count > 0) Interlocked.Exchange(ref _lastLagNs, nowUnixNs - lastSampleUnixNs);
    }

    /// <summary>Samples rejected by a cell's sequence window or counter check, all cells and reasons.</summary>
    public long RejectedSamplesTotal => Interlocked.Read(ref _rejectedSamples);

    /// <summary>Records a message of a cell rejected as a whole (<c>twin_cell_rejected_messages_total{site,cell,reason}</c>).</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <param name="reason">Reason name, e.g. "invalid", "too_large".</param>
    public void RejectedMessage(string site, string cell, string reason)
    {
        if (reason == "too_large") Interlocked.Increment(ref _tooLarge);
        Add("twin_cell_rejected_messages_total", site, cell, reason, 1);
    }

    /// <summary>Records samples of a cell rejected alone (<c>twin_cell_rejected_samples_total{site,cell,reason}</c>).</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <param name="reason">Reason name, e.g. "seq_ahead", "time_backwards".</param>
    /// <param name="count">Samples.</param>
    public void RejectedSamples(string site, string cell, string reason, long count)
    {
        Interlocked.Add(ref _rejectedSamples, count);
        Add("twin_cell_rejected_samples_total", site, cell, reason, count);
    }

    /// <summary>Records an HTTP telemetry request refused with 503 because the in-flight memory budget was reached.</summary>
    public void Busy() => Interlocked.Increment(ref _busy);

    /// <summary>Records an HTTP telemetry request refused with 503 because the store could not take its samples.</summary>
    public void Unavailable() => Interlocked.Increment(ref _unavailable);

    private void Add(string family, string site, string cell, string reason, long count)
    {
        lock (_perCell)
        {
            var key = (family, site, cell, reason);
            _perCell[key] = _perCell.GetValueOrDefault(key) + count;
        }
    }
    /// <summary>Records duplicates dropped and gaps seen in one message.</summary>
    /// <param name="duplicates">Duplicates.</param>
    /// <param name="gaps">Gaps.</param>
    public void Sequence(long duplicates, long gaps)
    {
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Add(ref _gaps, gaps);
    }
    /// <summary>Records a rejected message.</summary>
    public void Reject() => Interlocked.Increment(ref _rejected);
    /// <summary>Records a state publish.</summary>
    public void State() => Interlocked.Increment(ref _states);
    /// <summary>Records an alarm publish.</summary>
    public void Alarm() => Interlocked.Increment(ref _alarms);
    /// <summary>Records a store failure.</summary>
    public void StoreError() => Interlocked.Increment(ref _storeErrors);
    /// <summary>Records a stored pattern.</summary>
    public void Pattern() => Interlocked.Increment(ref _patterns);

    /// <summary>Telemetry message groups handled (one storage write and one checkpoint each).</summary>
    public long IngestGroups => Interlocked.Read(ref _groups);

    private long _groups;

    /// <summary>Records a group of one cell's telemetry messages handled together.</summary>
    public void IngestGroup() => Interlocked.Increment(ref _groups);

    /// <summary>Adds a value read at scrape time (spool depth, reconnects, …): an observable gauge of the meter, or an
    /// observable counter when the name ends in <c>_total</c> (the Prometheus convention for a count that only grows).</summary>
    /// <param name="name">Prometheus metric name, e.g. <c>twin_spool_depth_records</c>.</param>
    /// <param name="help">One-line description.</param>
    /// <param name="read">Reads the value.</param>
    public void Gauge(string name, string help, Func<double> read)
    {
        if (name.EndsWith("_total", StringComparison.Ordinal)) _meter.CreateObservableCounter(name, read, description: help);
        else _meter.CreateObservableGauge(name, read, description: help);
    }

    private void Counter(string name, string help, Func<long> read) => _meter.CreateObservableCounter(name, read, description: help);

    private void PerCell(string family, string help) => _meter.CreateObservableCounter(family, () =>
    {
        lock (_perCell)
            return _perCell.Where(kv => kv.Key.Family == family).OrderBy(kv => kv.Key)
                .Select(kv => new Measurement<long>(kv.Value, new("site", kv.Key.Site), new("cell", kv.Key.Cell), new("reason", kv.Key.Reason))).ToList();
    }, description: help);

    /// <summary>Samples per second since the previous call (at most once per second recomputed).</summary>
    /// <returns>The ingest rate.</returns>
    public double IngestRate()
    {
        lock (_rate)
        {
            var now = _time.GetUtcNow();
            double dt = (now - _rateMark.At).TotalSeconds;
            if (dt >= 1)
            {
                long s = Samples;
                _rateValue = (s - _rateMark.Samples) / dt;
                _rateMark = (now, s);
            }
            return _rateValue;
        }
    }

    /// <summary>Every metric without labels as name → value, collected from the meter now.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyDictionary<string, double> Snapshot() => _exposition.Snapshot();

    /// <summary>Prometheus text exposition format 0.0.4 of every instrument of the meter, collected now.</summary>
    /// <returns>The text.</returns>
    public string ToPrometheus() => _exposition.Text();

    /// <summary>Ends the meter (its instruments are no longer published).</summary>
    public void Dispose()
    {
        _exposition.Dispose();
        _meter.Dispose();
    }
}
