using Twin.Core.Ocv;
using Twin.Core.RestVoltage;

namespace Twin.Cli.Replay;

/// <summary>The independent measurements <c>twin replay</c> fuses into the twin's c_Li (all optional).</summary>
/// <param name="PatternsDir">Folder of integrated patterns (<c>*.xy</c>, <c>*.dat</c>) to fit, or null.</param>
/// <param name="LatticeCsv">CSV of lattice parameters refined elsewhere (<c>time_s,a_A,c_A[,a_sigma_A,c_sigma_A]</c>), or null.</param>
/// <param name="TestStart">The wall-clock start of the cycler file (its first sample), to put the patterns' Unix times
/// on the sample clock; null: the start the cycler file records.</param>
/// <param name="Relaxation">When a rest counts as relaxed (used when the cell's counter electrode is known).</param>
/// <param name="RestCapacityAh">Capacity the rest-current C-rate refers to, A·h; null: the cell's Q_Li.</param>
/// <param name="CLiScale">The scale of the twin's c_Li (and so of c_Li0 and Q_Li as given): a rest-voltage table on
/// another scale gives no measurement.</param>
internal sealed record MeasurementOptions(
    string? PatternsDir,
    string? LatticeCsv,
    DateTimeOffset? TestStart,
    RelaxationOptions Relaxation,
    double? RestCapacityAh,
    OcpScale CLiScale)
{
    /// <summary>No measurements: counting only.</summary>
    public static MeasurementOptions None { get; } = new(null, null, null, RelaxationOptions.Default, null, OcpScale.LithiumPerFormulaUnit);
}
