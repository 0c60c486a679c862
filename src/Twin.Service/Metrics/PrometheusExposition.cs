using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Twin.Service.Metrics;

/// <summary>
/// Collects the observable instruments of one <see cref="Meter"/> through a <see cref="MeterListener"/> and writes them
/// in the Prometheus text exposition format 0.0.4 (Prometheus documentation, "Exposition formats"): per instrument
/// <c># HELP</c> (its description), <c># TYPE</c> (counter for observable counters, else gauge) and one line per
/// measurement with its tags as labels. One collection at a time.
/// </summary>
internal sealed class PrometheusExposition : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<Instrument> _instruments = [];
    private readonly List<(Instrument Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _collected = [];

    /// <summary>Listens to every instrument of <paramref name="meter"/>, those created later included.</summary>
    /// <param name="meter">The meter.</param>
    public PrometheusExposition(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter)) return;
            lock (_instruments) _instruments.Add(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => _collected.Add((i, v, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => _collected.Add((i, v, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>Every measurement without tags as instrument name → value.</summary>
    /// <returns>The values, in the instruments' order.</returns>
    public IReadOnlyDictionary<string, double> Snapshot()
    {
        var d = new Dictionary<string, double>();
        foreach (var (i, v, tags) in Collect())
            if (tags.Length == 0) d[i.Name] = v;
        return d;
    }

    /// <summary>The exposition text.</summary>
    /// <returns>Text format 0.0.4.</returns>
    public string Text()
    {
        var sb = new StringBuilder();
        var measurements = Collect();
        foreach (var group in measurements.GroupBy(m => m.Instrument))
        {
            var i = group.Key;
            sb.Append("# HELP ").Append(i.Name).Append(' ').Append(i.Description ?? i.Name.Replace('_', ' ')).Append('\n');
            sb.Append("# TYPE ").Append(i.Name).Append(' ').Append(i is ObservableCounter<long> or ObservableCounter<double> ? "counter" : "gauge").Append('\n');
            foreach (var (_, v, tags) in group)
            {
                sb.Append(i.Name);
                if (tags.Length > 0)
                    sb.Append('{').AppendJoin(',', tags.Select(t => $"{t.Key}=\"{Escape(Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "")}\"")).Append('}');
                sb.Append(' ').Append(v.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return sb.ToString();
    }

    private List<(Instrument Instrument, double Value, KeyValuePair<string, object?>[] Tags)> Collect()
    {
        lock (_gate)
        {
            _collected.Clear();
            _listener.RecordObservableInstruments();
            // in the order the instruments were created
            Dictionary<Instrument, int> order;
            lock (_instruments) order = _instruments.Select((inst, n) => (inst, n)).ToDictionary(x => x.inst, x => x.n);
            return [.. _collected.OrderBy(m => order.GetValueOrDefault(m.Instrument, int.MaxValue))];
        }
    }

    /// <summary>A label value in the Prometheus text format (backslash, quote and newline escaped).</summary>
    private static string Escape(string v) => v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
