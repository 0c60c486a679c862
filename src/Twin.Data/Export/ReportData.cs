namespace Twin.Data.Export;

/// <summary>One point of a replayed cell's trajectory, as plotted in the report.</summary>
/// <param name="TimeS">Seconds since the start of the test.</param>
/// <param name="VoltageV">Cell voltage, V.</param>
/// <param name="CurrentA">Current, A, positive on charge.</param>
/// <param name="CLi">Cathode lithium content c_Li (dimensionless, 1 = fully lithiated).</param>
/// <param name="AA">Lattice parameter a (= d_TM), Å.</param>
/// <param name="CA">Lattice parameter c, Å.</param>
/// <param name="DIlA">Interlayer distance d_IL = c/3, Å.</param>
/// <param name="CLiSigma">Standard deviation σ of <paramref name="CLi"/> (NaN when not known: no band is drawn).</param>
/// <param name="CLiCounted">c_Li from charge counting alone (NaN when not known: not drawn).</param>
public readonly record struct ReportPoint(double TimeS, double VoltageV, double CurrentA, double CLi, double AA, double CA, double DIlA,
    double CLiSigma = double.NaN, double CLiCounted = double.NaN);

/// <summary>The model curves of the cell's material on a c_Li grid, for drawing the cell's path on them.</summary>
/// <param name="CLi">Grid of lithium contents, ascending.</param>
/// <param name="AA">a(c_Li), Å, same length as <paramref name="CLi"/>.</param>
/// <param name="CA">c(c_Li), Å.</param>
/// <param name="DIlA">d_IL(c_Li) = c/3, Å.</param>
public sealed record ModelCurves(double[] CLi, double[] AA, double[] CA, double[] DIlA);

/// <summary>A zone interval for shading: the cell was in <paramref name="Zone"/> from <paramref name="StartS"/> to <paramref name="EndS"/>.</summary>
/// <param name="StartS">Start, seconds since the start of the test.</param>
/// <param name="EndS">End, seconds since the start of the test.</param>
/// <param name="Zone">"safe", "caution", "critical" or "deep".</param>
public readonly record struct ZoneSpan(double StartS, double EndS, string Zone);

/// <summary>Everything the offline HTML report shows.</summary>
/// <param name="Title">Page title, e.g. the input file name.</param>
/// <param name="Material">Material name, e.g. "NMC811".</param>
/// <param name="Points">The trajectory, already decimated to a plottable size (a few thousand points).</param>
/// <param name="Zones">Zone intervals over the whole test.</param>
/// <param name="Curves">Model curves of the material.</param>
/// <param name="CriticalCLi">The critical lithium content drawn as a line (default 0.40).</param>
/// <param name="CautionCLi">The caution limit (default 0.45).</param>
/// <param name="DeepCLi">The deep limit (default 0.32).</param>
/// <param name="SummaryRows">Per-cycle summary rows (header first), shown as a table under the plots.</param>
public sealed record ReportData(
    string Title,
    string Material,
    IReadOnlyList<ReportPoint> Points,
    IReadOnlyList<ZoneSpan> Zones,
    ModelCurves Curves,
    double CriticalCLi,
    double CautionCLi,
    double DeepCLi,
    IReadOnlyList<IReadOnlyList<string>> SummaryRows);
