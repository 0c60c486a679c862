using Twin.Core.Estimation;
using Twin.Core.Lattice;
using Twin.Core.Safety;
using Twin.Messaging.Contracts;
using Twin.Service.Alarms;
using Twin.Service.Ingest;

namespace Twin.Dashboard.Live;

/// <summary>Builds the dashboard's view of a cell from its runtime.</summary>
public static class CellCards
{
    /// <summary>The card of a cell now. Call under the cell's lock or accept a slightly torn read.</summary>
    /// <param name="rt">The cell.</param>
    /// <param name="open">The cell's alarm that needs attention, or null.</param>
    /// <param name="kind">Step kind of the latest sample, or null.</param>
    /// <returns>The card.</returns>
    public static CellCard Card(CellRuntime rt, AlarmRecord? open, string? kind)
    {
        var c = rt.Cell;
        var s = rt.LastState;
        var p = rt.LastPattern;
        return new CellCard(
            c.Site + "/" + c.Config.CellId, c.Site, c.Config.CellId, c.Config.Material.Name,
            s is null ? "waiting" : s.Zone, s?.CLi,
            c.Config.Limits.CautionCLi, c.Config.Limits.CriticalCLi, c.Config.Limits.DeepCLi,
            c.Config.Cutoff.Enabled, c.Config.Cutoff.CLiMin,
            s?.TimeToCriticalS, s?.VoltageV, s?.CurrentA, s?.Step, kind, s?.Cycle, s?.Cutoff,
            s is null ? 0 : s.TimeUnixNs / 1e6,
            p is null ? null : Mark(p),
            open?.Id, open?.State);
    }

    /// <summary>A pattern record as a timeline marker.</summary>
    /// <param name="p">The record.</param>
    /// <returns>The marker at mid-exposure.</returns>
    public static PatternMark Mark(PatternRecord p) =>
        new(p.PatternId, (p.StartUnixNs + (p.EndUnixNs - p.StartUnixNs) / 2) / 1e6, p.CLiMid, p.ExposureS, p.Uri, p.AA, p.CA, p.CLiLattice);

    /// <summary>A per-cycle table row.</summary>
    /// <param name="m">The cycle's metrics.</param>
    /// <returns>The row (NaN and ±∞ become null).</returns>
    public static CycleRow Row(CycleMetrics m) => new(
        m.Cycle, m.Samples, Finite(m.MinCLi), Finite(m.MinCLiVoltageV), m.TimeBelowCriticalS, Finite(m.FirstCrossingVoltageV),
        m.WorstZone.Name(), m.ChargedAh, m.DischargedAh, m.StrainDoseS, Finite(m.CutoffReachedVoltageV),
        Finite(m.EndOfChargeCLi), Finite(m.EndOfChargeSigma), Finite(m.EndOfChargeCountedCLi),
        Finite(m.EndOfDischargeCLi), Finite(m.EndOfDischargeSigma), Finite(m.EndOfDischargeCountedCLi),
        Finite(m.QLiAh), Finite(m.QLiSigmaAh), m.Diagnosis.Name());

    /// <summary>The model curves of a cell: a, c, d_IL from the material's lattice model (docs/model.md §2: paper
    /// Table 1 at c_Li = 1, the paper's characteristic contents, assumed collapse magnitudes) and ε_aniso from the
    /// cell's strain master curve (docs/model.md §3), on 161 c_Li values.</summary>
    /// <param name="rt">The cell.</param>
    /// <returns>The curves.</returns>
    public static ModelCurves Model(CellRuntime rt)
    {
        var lattice = rt.Twin.Lattice;
        var strain = rt.Cell.Config.Strain;
        const int n = 161;
        double lo = lattice.MinCLi, hi = lattice.MaxCLi;
        var x = new double[n];
        var a = new double[n];
        var cc = new double[n];
        var dil = new double[n];
        var eps = new double[n];
        for (int i = 0; i < n; i++)
        {
            double cLi = lo + (hi - lo) * i / (n - 1);
            LatticeState st = lattice.Evaluate(cLi);
            x[i] = Math.Round(cLi, 5);
            a[i] = st.AA;
            cc[i] = st.CA;
            dil[i] = st.DIlA;
            eps[i] = strain.Evaluate(cLi);
        }
        return new ModelCurves(x, a, cc, dil, eps);
    }

    /// <summary>A telemetry sample and its twin output as a timeline point.</summary>
    /// <param name="s">The ingested sample.</param>
    /// <returns>The point.</returns>
    public static TimelinePoint Point(IngestedSample s) =>
        new(s.Sample.TimeUnixNs / 1e6, s.Output.VoltageV, s.Output.CurrentA, s.Output.CLi, s.Output.AA, s.Output.CA, s.Output.EpsAniso, (int)s.Output.Zone,
            double.IsFinite(s.Output.CLiSigma) ? (float)s.Output.CLiSigma : 0f,
            (float)(double.IsFinite(s.Output.CLiCounted) ? s.Output.CLiCounted : s.Output.CLi));

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
