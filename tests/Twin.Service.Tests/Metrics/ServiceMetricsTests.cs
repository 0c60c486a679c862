using System.Diagnostics.Metrics;
using Twin.Service.Metrics;

namespace Twin.Service.Tests.Metrics;

/// <summary>The service's metrics are System.Diagnostics.Metrics instruments: any listener reads them, and /metrics is their Prometheus text.</summary>
public sealed class ServiceMetricsTests
{
    [Fact]
    public void An_independent_listener_reads_the_service_meter_and_the_exposition_shows_the_same_values()
    {
        using var metrics = new ServiceMetrics();
        metrics.Message();
        metrics.Message();
        metrics.RejectedMessage("lab", "c1", "invalid");
        metrics.Gauge("twin_spool_pending_records", "points accepted but not yet confirmed", () => 42);
        metrics.Gauge("twin_bus_reconnects_total", "reconnects", () => 3);

        // a listener of its own, as dotnet-counters or an OpenTelemetry exporter would attach
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == ServiceMetrics.MeterName) l.EnableMeasurementEvents(i);
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen[i.Name + Labels(tags)] = v);
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen[i.Name + Labels(tags)] = v);
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(2, seen["twin_messages_total"]);
        Assert.Equal(42, seen["twin_spool_pending_records"]);
        Assert.Equal(1, seen["twin_cell_rejected_messages_total{site=lab,cell=c1,reason=invalid}"]);

        string text = metrics.ToPrometheus();
        Assert.Contains("# TYPE twin_messages_total counter\ntwin_messages_total 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP twin_spool_pending_records points accepted but not yet confirmed\n# TYPE twin_spool_pending_records gauge\ntwin_spool_pending_records 42\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE twin_bus_reconnects_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("twin_cell_rejected_messages_total{site=\"lab\",cell=\"c1\",reason=\"invalid\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(2, metrics.Snapshot()["twin_messages_total"]);
        Assert.False(metrics.Snapshot().ContainsKey("twin_cell_rejected_messages_total"), "labelled series are in the text, not in the snapshot");
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>();
        foreach (var t in tags) parts.Add($"{t.Key}={t.Value}");
        return "{" + string.Join(',', parts) + "}";
    }
}
