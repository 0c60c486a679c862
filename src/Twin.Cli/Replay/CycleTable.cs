using System.Globalization;
using Twin.Core.Cells;
using Twin.Core.Safety;

namespace Twin.Cli.Replay;

/// <summary>The per-cycle summary as text rows, shared by the terminal table and report.html.</summary>
internal static class CycleTable
{
    /// <summary>Header and one row per cycle.</summary>
    /// <param name="cycles">Cycle metrics.</param>
    /// <param name="cell">The cell (for the limits named in the header).</param>
    /// <param name="compact">Short headers for an 80-column terminal.</param>
    /// <param name="maxCycles">At most this many cycles are listed: the first and last halves, with one row
    /// saying how many were left out in between (all of them are in summary.json). Keeps the table, and
    /// the memory to render it, bounded however long the test ran.</param>
    /// <returns>Rows, header first.</returns>
    public static IReadOnlyList<IReadOnlyList<string>> Rows(IReadOnlyList<CycleMetrics> cycles, CellConfig cell, bool compact = false, int maxCycles = 200)
    {
        var inv = CultureInfo.InvariantCulture;
        string crit = cell.Limits.CriticalCLi.ToString("0.00", inv);
        string min = cell.Cutoff.CLiMin.ToString("0.00", inv);
        var rows = new List<IReadOnlyList<string>>
        {
            compact
                ? new[] { "cycle", "start h", "min c_Li", $"h<{crit}", $"1st<{crit} h", "step", $"V@{min}", "cut-off V", "zone", "dose%h" }
                : new[] { "cycle", "start (h)", "min c_Li", $"time below {crit} (h)", $"first below {crit} (h)", "step of first crossing",
                          $"V when c_Li = {min} reached", "recommended cut-off (V)", "worst zone", "strain dose (%·h)" },
        };
        int head = cycles.Count <= maxCycles ? cycles.Count : maxCycles / 2;
        int tail = cycles.Count <= maxCycles ? 0 : maxCycles - head;
        for (int i = 0; i < cycles.Count; i++)
        {
            if (i == head && tail > 0)
            {
                var gap = new string[rows[0].Count];
                Array.Fill(gap, "…");
                gap[0] = string.Create(inv, $"… {cycles.Count - head - tail} more");
                rows.Add(gap);
                i = cycles.Count - tail;
            }
            var c = cycles[i];
            rows.Add(new[]
            {
                c.Cycle.ToString(inv),
                Hours(c.StartTimeS),
                double.IsFinite(c.MinCLi) ? c.MinCLi.ToString("0.000", inv) : "—",
                (c.TimeBelowCriticalS / 3600).ToString("0.00", inv),
                Hours(c.FirstCrossingTimeS),
                c.CrossedCritical ? c.FirstCrossingStep.ToString(inv) : "—",
                Volts(c.CutoffReachedVoltageV),
                Volts(c.RecommendedCutoffV),
                c.WorstZone.Name(),
                (c.StrainDoseS * 100 / 3600).ToString("0.000", inv),
            });
        }
        return rows;
    }

    private static string Hours(double s) => double.IsNaN(s) ? "—" : (s / 3600).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Volts(double v) => double.IsNaN(v) ? "—" : v.ToString("0.000", CultureInfo.InvariantCulture);
}
