using Twin.Core.Samples;
using Twin.Core.Cutoff;
using Twin.Core.Safety;
using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Ingest;
using Twin.Storage.LineProtocol;

namespace Twin.Service.Storage;

/// <summary>
/// The InfluxDB schema (README.md, "InfluxDB schema"; written as InfluxDB line protocol): measurements <c>telemetry</c>, <c>twin</c>, <c>alarm</c>,
/// <c>pattern</c> and <c>rest</c>, tagged <c>site</c>, <c>cell</c>, <c>material</c> (and <c>instrument</c> / <c>detector</c>);
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
            var t = Tagged("telemetry", c, TelemetryFields).Timestamp(at);
            if (!string.IsNullOrEmpty(batch.Instrument)) t.Tag("instrument", batch.Instrument);
            t.Field("voltage_V", s.VoltageV).Field("current_A", s.CurrentA).Field("seq", s.Seq)
             .Field("step", (long)s.Step).Field("cycle", (long)s.Cycle).Field("counter_segment", (long)s.CounterSegment);
            if (s.HasCharge) t.Field("charge_Ah", s.ChargeAh);
            if (s.HasTemperature) t.Field("temperature_C", s.TemperatureC);
            if (s.Kind.Name() is { } kind) t.Field("kind", kind);
            into.Add(t.Build());

            var w = Tagged("twin", c, TwinFields).Timestamp(at)
                .Field("c_li", o.CLi).Field("charge_Ah", o.ChargeAh).Field("a_A", o.AA).Field("c_A", o.CA)
                .Field("d_il_A", o.DIlA).Field("d_tm_A", o.DTmA).Field("volume_A3", o.VolumeA3)
                .Field("eps_a", o.EpsA).Field("eps_c", o.EpsC).Field("eps_aniso", o.EpsAniso)
                .Field("zone", o.Zone.Name()).Field("zone_level", (long)o.Zone).Field("cycle", (long)o.Cycle).Field("seq", s.Seq)
                .Field("cutoff", o.Decision.Name())
                .Field("c_li_sigma", o.CLiSigma).Field("c_li_out_of_range", o.CLiOutOfRange).Field("lattice_extrapolated", o.LatticeExtrapolated);
            if (double.IsFinite(o.CLiCounted)) w.Field("c_li_counted", o.CLiCounted);
            if (double.IsFinite(o.CLiLowerBound)) w.Field("c_li_low", o.CLiLowerBound);
            if (double.IsFinite(o.TimeToCriticalS)) w.Field("time_to_critical_s", o.TimeToCriticalS);
            into.Add(w.Build());
        }
        foreach (var tr in batch.Transitions)
        {
            into.Add(Tagged("alarm", c).Timestamp(tr.TimeUnixNs)
                .Field("from", tr.From.Name()).Field("to", tr.To.Name()).Field("c_li", tr.CLi).Field("voltage_V", tr.VoltageV)
                .Field("step", (long)tr.Step).Field("active", tr.To >= Zone.Critical).Build());
        }
        foreach (var p in batch.PatternUpdates) into.Add(Pattern(c, p));
        foreach (var r in batch.Rests) into.Add(Rest(c, r));
    }

    /// <summary>The point of a rest that lasted at least a slope window: its voltage, what it gave and the verdict.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="r">The rest.</param>
    /// <returns>The point, stamped at the time its voltage applies to.</returns>
    public static LinePoint Rest(ExperimentCell cell, Estimation.RestRecord r)
    {
        var b = Tagged("rest", cell).Timestamp(r.TimeUnixNs)
            .Field("outcome", Estimation.PatternStatusNames.Snake(r.Outcome.ToString())).Field("duration_s", r.DurationS)
            .Field("voltage_V", r.VoltageV).Field("status", r.Status).Field("reason", r.Reason);
        if (double.IsFinite(r.SlopeMVPerHour)) b.Field("slope_mV_per_h", r.SlopeMVPerHour);
        if (double.IsFinite(r.CLiRest)) b.Field("c_li_rest", r.CLiRest).Field("c_li_rest_sigma", r.CLiRestSigma);
        if (double.IsFinite(r.CLiEstimate)) b.Field("c_li_estimate", r.CLiEstimate).Field("c_li_estimate_sigma", r.CLiEstimateSigma);
        return b.Build();
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
        if (p.LatticeSource is { } source) b.Field("lattice_source", source);
        if (p.AA is double a) b.Field("a_A", a);
        if (p.ASigmaA is double sa) b.Field("a_sigma_A", sa);
        if (p.CA is double cc) b.Field("c_A", cc);
        if (p.CSigmaA is double sc) b.Field("c_sigma_A", sc);
        if (p.CLiLattice is double cl) b.Field("c_li_lattice", cl);
        if (p.CLiLatticeSigma is double cls) b.Field("c_li_lattice_sigma", cls);
        if (p.CLiCounted is double cc2) b.Field("c_li_counted", cc2);
        if (p.CLiEstimate is double ce) b.Field("c_li_estimate", ce);
        if (p.CLiEstimateSigma is double ces) b.Field("c_li_estimate_sigma", ces);
        if (p.InnovationSigmas is double ns) b.Field("innovation_sigmas", ns);
        if (p.FitStatus is { } fs) b.Field("fit_status", fs);
        if (p.FitReason is { } fr) b.Field("fit_reason", fr);
        return b.Build();
    }

    // The most fields a telemetry and a twin point have: their builders never regrow (one point each per sample).
    private const int TelemetryFields = 9, TwinFields = 21;

    private static LinePointBuilder Tagged(string measurement, ExperimentCell c, int fields = 4) =>
        new LinePointBuilder(measurement, fields).Tag("site", c.Site).Tag("cell", c.Config.CellId).Tag("material", c.Config.Material.Name);
}
