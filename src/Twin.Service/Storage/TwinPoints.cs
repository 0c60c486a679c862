using Twin.Core.Samples;
using Twin.Core.Cutoff;
using Twin.Core.Safety;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Ingest;
using Twin.Storage.LineProtocol;

namespace Twin.Service.Storage;

/// <summary>
/// The InfluxDB schema (README.md, "InfluxDB schema"; written as InfluxDB line protocol): measurements <c>telemetry</c>, <c>twin</c>, <c>alarm</c> and
/// <c>pattern</c>, tagged <c>site</c>, <c>cell</c>, <c>material</c> (and <c>instrument</c> / <c>detector</c>);
/// field names carry their units; timestamps are the samples' own, ns since the Unix epoch.
/// </summary>
public static class TwinPoints
{
    /// <summary>Appends the points of one ingest batch: a telemetry and a twin point per sample, an alarm point per transition.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="into">List to append to.</param>
    public static void Append(IngestBatch batch, List<LinePoint> into)
    {
        var c = batch.Cell;
        foreach (var (s, o, at) in batch.Samples)
        {
            var t = Tagged("telemetry", c).Timestamp(at);
            if (!string.IsNullOrEmpty(batch.Instrument)) t.Tag("instrument", batch.Instrument);
            t.Field("voltage_V", s.VoltageV).Field("current_A", s.CurrentA).Field("seq", s.Seq)
             .Field("step", (long)s.Step).Field("cycle", (long)s.Cycle).Field("counter_segment", (long)s.CounterSegment);
            if (s.HasCharge) t.Field("charge_Ah", s.ChargeAh);
            if (s.HasTemperature) t.Field("temperature_C", s.TemperatureC);
            if (s.Kind.Name() is { } kind) t.Field("kind", kind);
            into.Add(t.Build());

            var w = Tagged("twin", c).Timestamp(at)
                .Field("c_li", o.CLi).Field("charge_Ah", o.ChargeAh).Field("a_A", o.AA).Field("c_A", o.CA)
                .Field("d_il_A", o.DIlA).Field("d_tm_A", o.DTmA).Field("volume_A3", o.VolumeA3)
                .Field("eps_a", o.EpsA).Field("eps_c", o.EpsC).Field("eps_aniso", o.EpsAniso)
                .Field("zone", o.Zone.Name()).Field("zone_level", (long)o.Zone).Field("cycle", (long)o.Cycle).Field("seq", s.Seq)
                .Field("cutoff", o.Decision.Name());
            if (double.IsFinite(o.TimeToCriticalS)) w.Field("time_to_critical_s", o.TimeToCriticalS);
            into.Add(w.Build());
        }
        foreach (var tr in batch.Transitions)
        {
            into.Add(Tagged("alarm", c).Timestamp(tr.TimeUnixNs)
                .Field("from", tr.From.Name()).Field("to", tr.To.Name()).Field("c_li", tr.CLi).Field("voltage_V", tr.VoltageV)
                .Field("step", (long)tr.Step).Field("active", tr.To >= Zone.Critical).Build());
        }
    }

    /// <summary>Reads a telemetry point back into the sample it was made from (<see cref="Append"/>), its time the stored time.</summary>
    /// <param name="p">A point.</param>
    /// <param name="site">Its site tag.</param>
    /// <param name="cell">Its cell tag.</param>
    /// <param name="sample">The sample.</param>
    /// <returns>False when the point is not a telemetry point of this schema.</returns>
    public static bool TryReadTelemetry(LinePoint p, out string site, out string cell, out IngestSample sample)
    {
        site = p.GetTag("site") ?? "";
        cell = p.GetTag("cell") ?? "";
        sample = default;
        if (p.Measurement != "telemetry" || site.Length == 0 || cell.Length == 0 || p.GetField("seq") is not { } seq
            || p.GetField("voltage_V") is not { } v || p.GetField("current_A") is not { } i) return false;
        static double Float(LineField? f) => f is { } x ? x.FloatValue : double.NaN;
        static int Int(LineField? f) => f is { } x ? (int)x.IntegerValue : 0;
        sample = new IngestSample(seq.IntegerValue, p.TimestampNs, v.FloatValue, i.FloatValue, Float(p.GetField("charge_Ah")), Int(p.GetField("counter_segment")),
            Int(p.GetField("step")), Int(p.GetField("cycle")), StepKindNames.Parse(p.GetField("kind")?.StringValue), Float(p.GetField("temperature_C")));
        return true;
    }

    /// <summary>The point of a diffraction pattern record, stamped at mid-exposure.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="p">The record.</param>
    /// <returns>The point.</returns>
    public static LinePoint Pattern(ExperimentCell cell, PatternRecord p)
    {
        var b = Tagged("pattern", cell).Tag("detector", p.Detector).Timestamp(p.StartUnixNs + (p.EndUnixNs - p.StartUnixNs) / 2)
            .Field("pattern_id", p.PatternId).Field("seq", p.Seq).Field("start_unix_ns", p.StartUnixNs).Field("end_unix_ns", p.EndUnixNs)
            .Field("exposure_s", p.ExposureS).Field("two_theta_min_deg", p.TwoThetaMinDeg).Field("two_theta_max_deg", p.TwoThetaMaxDeg)
            .Field("uri", p.Uri);
        if (p.WavelengthA is double l) b.Field("wavelength_A", l);
        if (p.EnergyKeV is double e) b.Field("energy_keV", e);
        if (p.CLiMid is double cli) b.Field("c_li_mid", cli);
        return b.Build();
    }

    private static LinePointBuilder Tagged(string measurement, ExperimentCell c) =>
        new LinePointBuilder(measurement).Tag("site", c.Site).Tag("cell", c.Config.CellId).Tag("material", c.Config.Material.Name);
}
