using Twin.Core.Safety;
using Twin.Data.Readers;

namespace Twin.Cli.Replay;

/// <summary>What a replay produced.</summary>
/// <param name="Samples">Samples fed to the twin.</param>
/// <param name="Cycles">Per-cycle metrics.</param>
/// <param name="Transitions">Zone transitions.</param>
/// <param name="Diagnostics">The reader's counts and metadata.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="FinalCLi">c_Li after the last sample.</param>
/// <param name="RecommendedCutoffV">Learned voltage cut-off (NaN when no charge reached c_Li,min).</param>
/// <param name="FinalSigma">σ of c_Li after the last sample.</param>
/// <param name="FinalCountedCLi">Counted c_Li after the last sample.</param>
/// <param name="Inventory">Lithium inventory per cycle.</param>
/// <param name="Measurements">Measurement outcomes by kind, then status (empty without measurements).</param>
/// <param name="Warnings">What the plausibility checks found, one entry per kind.</param>
internal sealed record ReplayResult(
    long Samples,
    IReadOnlyList<CycleMetrics> Cycles,
    int Transitions,
    ReadDiagnostics Diagnostics,
    TimeSpan Elapsed,
    double FinalCLi,
    double RecommendedCutoffV,
    double FinalSigma,
    double FinalCountedCLi,
    IReadOnlyList<Twin.Core.Estimation.LithiumInventory> Inventory,
    IReadOnlyDictionary<string, SortedDictionary<string, int>> Measurements,
    IReadOnlyList<PlausibilityWarning> Warnings);
