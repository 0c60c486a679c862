using System.Globalization;
using Twin.Core.Cells;
using Twin.Core.Estimation;
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
    /// <param name="inventory">The lithium inventory per cycle (same cycles, same order), appended as columns; null
    /// leaves them out.</param>
    /// <returns>Rows, header first.</returns>
    public static IReadOnlyList<IReadOnlyList<string>> Rows(IReadOnlyList<CycleMetrics> cycles, CellConfig cell, bool compact = false, int maxCycles = 200,
        IReadOnlyList<LithiumInventory>? inventory = null)
    {
        var inv = CultureInfo.InvariantCulture;
        string crit = cell.Limits.CriticalCLi.ToString("0.00", inv);
        string min = cell.Cutoff.CLiMin.ToString("0.00", inv);
        string[] header = compact
            ? ["cycle", "start h", "min c_Li", $"h<{crit}", $"1st<{crit} h", "step", $"V@{min}", "cut-off V", "zone", "dose%h"]
            : ["cycle", "start (h)", "min c_Li", $"time below {crit} (h)", $"first below {crit} (h)", "step of first crossing",
               $"V when c_Li = {min} reached", "recommended cut-off (V)", "worst zone", "strain dose (%·h)"];
        if (inventory is not null) header = [.. header, .. LithiumTable.Header(compact)];
        var rows = new List<IReadOnlyList<string>> { header };
        foreach (int i in Listed(cycles.Count, maxCycles))
        {
            if (i < 0)
            {
                rows.Add(Gap(header.Length, cycles.Count, maxCycles));
                continue;
            }
            var c = cycles[i];
            string[] row =
            [
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
            ];
            if (inventory is not null) row = [.. row, .. LithiumTable.Cells(inventory[i], compact)];
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The indices of the cycles listed: all of them up to <paramref name="maxCycles"/>, else the first and
    /// last halves with −1 where the gap row goes.</summary>
    /// <param name="count">Number of cycles.</param>
    /// <param name="maxCycles">At most this many are listed.</param>
    /// <returns>Indices in order, −1 for the gap.</returns>
    internal static IEnumerable<int> Listed(int count, int maxCycles)
    {
        int head = count <= maxCycles ? count : maxCycles / 2;
        int tail = count <= maxCycles ? 0 : maxCycles - head;
        for (int i = 0; i < head; i++) yield return i;
        if (tail == 0) yield break;
        yield return -1;
        for (int i = count - tail; i < count; i++) yield return i;
    }

    /// <summary>The row saying how many cycles were left out.</summary>
    /// <param name="columns">Columns of the table.</param>
    /// <param name="count">Number of cycles.</param>
    /// <param name="maxCycles">Cycles listed.</param>
    /// <returns>The row.</returns>
    internal static string[] Gap(int columns, int count, int maxCycles)
    {
        var gap = new string[columns];
        Array.Fill(gap, "…");
        gap[0] = string.Create(CultureInfo.InvariantCulture, $"… {count - maxCycles} more");
        return gap;
    }

    private static string Hours(double s) => double.IsNaN(s) ? "—" : (s / 3600).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Volts(double v) => double.IsNaN(v) ? "—" : v.ToString("0.000", CultureInfo.InvariantCulture);
}
