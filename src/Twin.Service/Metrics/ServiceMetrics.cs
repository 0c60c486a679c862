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
    private (DateTime At, long Samples) _rateMark = (DateTime.UtcNow, 0);
    private double _rateValue;

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
    public void Applied(int count, long lastSampleUnixNs)
    {
        Interlocked.Add(ref _samples, count);
        if (count > 0) Interlocked.Exchange(ref _lastLagNs, Twin.Core.Samples.UnixTime.NowNs() - lastSampleUnixNs);
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
            var now = DateTime.UtcNow;
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
            ["twin_states_published_total"] = StatesPublished,
            ["twin_alarms_published_total"] = AlarmsPublished,
            ["twin_store_errors_total"] = StoreErrors,
            ["twin_patterns_total"] = Patterns,
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
        return sb.ToString();
    }
}
