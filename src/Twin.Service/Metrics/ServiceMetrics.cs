using System.Globalization;
using System.Text;

namespace Twin.Service.Metrics;

/// <summary>
/// Counters and gauges of the twin service, exposed at <c>/metrics</c> in the Prometheus text format and
/// in <c>/health</c>. Thread-safe.
/// </summary>
public sealed class ServiceMetrics
{
    private long _messages, _samples, _duplicates, _gaps, _rejected, _states, _alarms, _storeErrors, _patterns;
    private long _lastLagNs;
    private readonly List<(string Name, string Help, Func<double> Read)> _gauges = [];
    private readonly object _rate = new();
    private readonly TimeProvider _time;
    private (DateTimeOffset At, long Samples) _rateMark;
    private double _rateValue;
    private long _rejectedSamples, _busy, _tooLarge, _unavailable;
    private readonly Dictionary<(string Family, string Site, string Cell, string Reason), long> _perCell = [];

    /// <summary>Creates the metrics.</summary>
    /// <param name="time">The service's clock (ingest rate); default the system clock.</param>
    public ServiceMetrics(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _rateMark = (_time.GetUtcNow(), 0);
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

    /// <summary>Adds a gauge read at scrape time (spool depth, reconnects, …).</summary>
    /// <param name="name">Prometheus metric name, e.g. <c>twin_spool_depth_records</c>.</param>
    /// <param name="help">One-line description.</param>
    /// <param name="read">Reads the value.</param>
    public void Gauge(string name, string help, Func<double> read)
    {
        lock (_gauges) _gauges.Add((name, help, read));
    }

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

    /// <summary>All metrics as name → value.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyDictionary<string, double> Snapshot()
    {
        var d = new Dictionary<string, double>
        {
            ["twin_messages_total"] = Messages,
            ["twin_samples_total"] = Samples,
            ["twin_duplicates_total"] = Duplicates,
            ["twin_sequence_gaps_total"] = Gaps,
            ["twin_rejected_messages_total"] = Rejected,
            ["twin_rejected_samples_total"] = RejectedSamplesTotal,
            ["twin_telemetry_too_large_total"] = Interlocked.Read(ref _tooLarge),
            ["twin_http_telemetry_busy_total"] = Interlocked.Read(ref _busy),
            ["twin_http_telemetry_unavailable_total"] = Interlocked.Read(ref _unavailable),
            ["twin_states_published_total"] = StatesPublished,
            ["twin_alarms_published_total"] = AlarmsPublished,
            ["twin_store_errors_total"] = StoreErrors,
            ["twin_patterns_total"] = Patterns,
            ["twin_ingest_groups_total"] = IngestGroups,
            ["twin_ingest_rate_samples_per_s"] = IngestRate(),
            ["twin_lag_s"] = LastLagS,
        };
        lock (_gauges) foreach (var g in _gauges) d[g.Name] = g.Read();
        return d;
    }

    /// <summary>Prometheus text exposition format 0.0.4.</summary>
    /// <returns>The text.</returns>
    public string ToPrometheus()
    {
        var sb = new StringBuilder();
        Dictionary<string, string> help;
        lock (_gauges) help = _gauges.ToDictionary(g => g.Name, g => g.Help);
        foreach (var (name, value) in Snapshot())
        {
            string type = name.EndsWith("_total", StringComparison.Ordinal) ? "counter" : "gauge";
            sb.Append("# HELP ").Append(name).Append(' ').Append(help.GetValueOrDefault(name, name.Replace('_', ' '))).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            sb.Append(name).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        List<((string Family, string Site, string Cell, string Reason) Key, long Value)> perCell;
        lock (_perCell) perCell = [.. _perCell.Select(kv => (kv.Key, kv.Value)).OrderBy(kv => kv.Key)];
        foreach (var family in perCell.GroupBy(kv => kv.Key.Family))
        {
            string what = family.Key.Contains("messages", StringComparison.Ordinal) ? "messages" : "samples";
            sb.Append("# HELP ").Append(family.Key).Append(" telemetry ").Append(what).Append(" of a cell rejected, by reason\n");
            sb.Append("# TYPE ").Append(family.Key).Append(" counter\n");
            foreach (var (k, v) in family)
                sb.Append(family.Key).Append("{site=\"").Append(Escape(k.Site)).Append("\",cell=\"").Append(Escape(k.Cell))
                  .Append("\",reason=\"").Append(k.Reason).Append("\"} ").Append(v.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A label value in the Prometheus text format (backslash, quote and newline escaped).</summary>
    private static string Escape(string v) => v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
