using System.Globalization;
using Twin.Core.Estimation;

namespace Twin.Cli.Replay;

/// <summary>The lithium inventory per cycle as text cells, for the terminal table and the report's cycle table.</summary>
internal static class LithiumTable
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>Column headers (without the cycle column).</summary>
    /// <param name="compact">Short headers for an 80-column terminal.</param>
    /// <returns>The headers.</returns>
    public static string[] Header(bool compact) => compact
        ? ["EoC c_Li±σ", "counted", "EoD c_Li±σ", "lost", "Q_Li Ah±σ", "diagnosis"]
        : ["c_Li at end of charge ± σ", "counted c_Li at end of charge", "c_Li at end of discharge ± σ", "lithium lost (c_Li)",
           "Q_Li estimate (A·h) ± σ", "Q_Li drift (A·h)", "current offset (mA) ± σ", "diagnosis"];

    /// <summary>The cells of one cycle (without the cycle column).</summary>
    /// <param name="r">The cycle's inventory.</param>
    /// <param name="compact">The compact columns.</param>
    /// <returns>The cells, as many as <see cref="Header"/>.</returns>
    public static string[] Cells(LithiumInventory r, bool compact) => compact
        ? [PlusMinus(r.LowestCLi, r.LowestSigma, "0.000"), Fixed(r.LowestCountedCLi, "0.000"), PlusMinus(r.HighestCLi, r.HighestSigma, "0.000"),
           Fixed(r.LostCLi, "0.0000"), PlusMinus(r.QLiAh, r.QLiSigmaAh, "0.00"), r.Diagnosis.Name()]
        : [PlusMinus(r.LowestCLi, r.LowestSigma, "0.0000"), Fixed(r.LowestCountedCLi, "0.0000"), PlusMinus(r.HighestCLi, r.HighestSigma, "0.0000"),
           Fixed(r.LostCLi, "0.0000"), PlusMinus(r.QLiAh, r.QLiSigmaAh, "0.000"), Fixed(r.QLiDriftAh, "0.0000"),
           PlusMinus(r.CurrentOffsetA * 1e3, r.CurrentOffsetSigmaA * 1e3, "0.000"), r.Diagnosis.Name()];

    /// <summary>Header and one row per cycle (first and last halves beyond <paramref name="maxCycles"/>).</summary>
    /// <param name="inventory">The inventory.</param>
    /// <param name="compact">Short headers and fewer digits.</param>
    /// <param name="maxCycles">At most this many cycles are listed.</param>
    /// <returns>Rows, header first.</returns>
    public static IReadOnlyList<IReadOnlyList<string>> Rows(IReadOnlyList<LithiumInventory> inventory, bool compact, int maxCycles)
    {
        string[] header = ["cycle", .. Header(compact)];
        var rows = new List<IReadOnlyList<string>> { header };
        foreach (int i in CycleTable.Listed(inventory.Count, maxCycles))
        {
            if (i < 0)
            {
                rows.Add(CycleTable.Gap(rows[0].Count, inventory.Count, maxCycles));
                continue;
            }
            string[] row = [inventory[i].Cycle.ToString(Ci), .. Cells(inventory[i], compact)];
            rows.Add(row);
        }
        return rows;
    }

    private static string Fixed(double v, string format) => double.IsFinite(v) ? v.ToString(format, Ci) : "—";

    private static string PlusMinus(double v, double sigma, string format) =>
        !double.IsFinite(v) ? "—" : double.IsFinite(sigma) ? $"{v.ToString(format, Ci)}±{sigma.ToString(format, Ci)}" : v.ToString(format, Ci);
}
