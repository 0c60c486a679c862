namespace Twin.Dashboard.Live;

/// <summary>One cell as the overview shows it (also the head of the cell page).</summary>
/// <param name="Key">"site/cell".</param>
/// <param name="Site">Site id.</param>
/// <param name="Cell">Cell id.</param>
/// <param name="Material">Cathode material.</param>
/// <param name="Zone">"safe", "caution", "critical" or "deep"; "waiting" before the first sample.</param>
/// <param name="CLi">c_Li, or null before the first sample.</param>
/// <param name="Caution">Caution limit, c_Li.</param>
/// <param name="Critical">Critical limit, c_Li (the gauge's red line; default 0.40).</param>
/// <param name="Deep">Deep limit, c_Li.</param>
/// <param name="CutoffEnabled">True when charges end at c_Li,min.</param>
/// <param name="CLiMin">c_Li,min of the cut-off.</param>
/// <param name="TimeToCriticalS">Seconds until c_Li reaches the critical limit at the present rate, or null.</param>
/// <param name="VoltageV">Voltage, V.</param>
/// <param name="CurrentA">Current, A (positive charging).</param>
/// <param name="Step">Source step number.</param>
/// <param name="Kind">Step kind ("charge", "discharge", "rest", …), or null.</param>
/// <param name="Cycle">Cycle number.</param>
/// <param name="Cutoff">The twin's cut-off decision ("continue", "stop_lithium", "stop_voltage").</param>
/// <param name="TimeMs">Sample time, ms since the Unix epoch (0 before the first sample).</param>
/// <param name="Pattern">The latest diffraction pattern, or null.</param>
/// <param name="AlarmId">Id of the cell's alarm that needs attention, or null.</param>
/// <param name="AlarmState">"active", "acknowledged" or "cleared" for that alarm, or null.</param>
public sealed record CellCard(
    string Key, string Site, string Cell, string Material, string Zone, double? CLi,
    double Caution, double Critical, double Deep, bool CutoffEnabled, double CLiMin,
    double? TimeToCriticalS, double? VoltageV, double? CurrentA, int? Step, string? Kind, int? Cycle, string? Cutoff,
    double TimeMs, PatternMark? Pattern, long? AlarmId, string? AlarmState);

/// <summary>A diffraction pattern on the timeline.</summary>
/// <param name="Id">Pattern id.</param>
/// <param name="TimeMs">Mid-exposure, ms since the Unix epoch.</param>
/// <param name="CLiMid">The twin's c_Li at mid-exposure, or null.</param>
/// <param name="ExposureS">Exposure, s.</param>
/// <param name="Uri">File path or URI.</param>
/// <param name="MeasuredA">Lattice parameter a the pattern gave (fitted, or refined at the beamline), Å, or null.</param>
/// <param name="MeasuredC">Lattice parameter c the pattern gave, Å, or null.</param>
/// <param name="CLiLattice">c_Li the measured lattice gives through the material's lattice model, or null.</param>
public sealed record PatternMark(string Id, double TimeMs, double? CLiMid, double ExposureS, string Uri,
    double? MeasuredA = null, double? MeasuredC = null, double? CLiLattice = null);

/// <summary>One point of a cell's timeline (the cell page's charts).</summary>
/// <param name="T">Sample time, ms since the Unix epoch.</param>
/// <param name="V">Voltage, V.</param>
/// <param name="I">Current, A.</param>
/// <param name="CLi">c_Li.</param>
/// <param name="A">Lattice parameter a, Å.</param>
/// <param name="C">Lattice parameter c, Å.</param>
/// <param name="Eps">Anisotropic strain ε_aniso (dimensionless).</param>
/// <param name="Z">Zone level: 0 safe, 1 caution, 2 critical, 3 deep.</param>
/// <param name="Sigma">Standard deviation σ of <paramref name="CLi"/> (single precision: the band is drawn, not computed on).</param>
/// <param name="Counted">c_Li from charge counting alone (single precision; <paramref name="CLi"/> when the twin did not say).</param>
public readonly record struct TimelinePoint(double T, double V, double I, double CLi, double A, double C, double Eps, int Z, float Sigma = 0, float Counted = 0);

/// <summary>One row of the per-cycle table.</summary>
/// <param name="Cycle">Cycle number.</param>
/// <param name="Samples">Samples in the cycle.</param>
/// <param name="MinCLi">Lowest c_Li, or null.</param>
/// <param name="MinCLiVoltageV">Voltage at the lowest c_Li, or null.</param>
/// <param name="TimeBelowCriticalS">Seconds below the critical limit.</param>
/// <param name="FirstCrossingVoltageV">Voltage where c_Li first crossed the critical limit, or null.</param>
/// <param name="WorstZone">Worst zone reached.</param>
/// <param name="ChargedAh">Charge passed while charging, A·h.</param>
/// <param name="DischargedAh">Charge passed while discharging, A·h.</param>
/// <param name="StrainDoseS">Time integral of ε_aniso, s.</param>
/// <param name="CutoffVoltageV">Voltage where c_Li reached c_Li,min (the recommended cut-off), or null.</param>
/// <param name="EndOfChargeCLi">Lithium inventory (docs/model.md §10): c_Li estimate at the end of the charge, or null.</param>
/// <param name="EndOfChargeSigma">Its σ, or null.</param>
/// <param name="EndOfChargeCounted">Counted c_Li at the same sample, or null.</param>
/// <param name="EndOfDischargeCLi">c_Li estimate at the end of the discharge, or null.</param>
/// <param name="EndOfDischargeSigma">Its σ, or null.</param>
/// <param name="EndOfDischargeCounted">Counted c_Li at the same sample, or null.</param>
/// <param name="QLiAh">Estimated effective Q_Li at the cycle's last sample, A·h, or null.</param>
/// <param name="QLiSigmaAh">Its σ, A·h, or null.</param>
/// <param name="Diagnosis">Which kind of error explains counting's disagreement with the measurements (snake case), or null.</param>
public sealed record CycleRow(int Cycle, long Samples, double? MinCLi, double? MinCLiVoltageV, double TimeBelowCriticalS,
    double? FirstCrossingVoltageV, string WorstZone, double ChargedAh, double DischargedAh, double StrainDoseS, double? CutoffVoltageV,
    double? EndOfChargeCLi = null, double? EndOfChargeSigma = null, double? EndOfChargeCounted = null,
    double? EndOfDischargeCLi = null, double? EndOfDischargeSigma = null, double? EndOfDischargeCounted = null,
    double? QLiAh = null, double? QLiSigmaAh = null, string? Diagnosis = null);

/// <summary>What a cell page is offered on each push: the card, the new timeline points, new patterns and the open cycle's row.</summary>
/// <param name="Card">The cell now.</param>
/// <param name="Points">Timeline points since the previous push, oldest first.</param>
/// <param name="Patterns">Patterns since the previous push.</param>
/// <param name="CycleRow">The open cycle, or null.</param>
public sealed record CellDelta(CellCard Card, IReadOnlyList<TimelinePoint> Points, IReadOnlyList<PatternMark> Patterns, CycleRow? CycleRow)
{
    /// <summary>True when the service thinned the cell's timeline (every second point dropped once it is full):
    /// <see cref="Points"/> are then only those kept since, and a page needs the whole timeline again.</summary>
    public bool Reset { get; init; }
}

/// <summary>One push to a page.</summary>
/// <param name="Cards">Overview: the cells whose card changed (newest card each), or null.</param>
/// <param name="Cell">Cell page: the watched cell's news, or null.</param>
/// <param name="Alarms">New alarm counts, or null when they did not change.</param>
public sealed record LivePush(IReadOnlyList<CellCard>? Cards, CellDelta? Cell, AlarmCounts? Alarms);

/// <summary>Alarm counts for the navigation bar.</summary>
/// <param name="Active">Alarms still active and not acknowledged.</param>
/// <param name="Open">Alarms needing attention (active or unacknowledged).</param>
public sealed record AlarmCounts(int Active, int Open);

/// <summary>The model curves of a cell's material versus c_Li (the cell page's lattice charts).</summary>
/// <param name="CLi">c_Li grid, ascending.</param>
/// <param name="A">a(c_Li), Å.</param>
/// <param name="C">c(c_Li), Å.</param>
/// <param name="DIl">d_IL = c/3, Å.</param>
/// <param name="Eps">ε_aniso(c_Li).</param>
public sealed record ModelCurves(double[] CLi, double[] A, double[] C, double[] DIl, double[] Eps);

/// <summary>Everything the cell page starts with.</summary>
/// <param name="Card">The cell now.</param>
/// <param name="Points">The timeline so far (decimated for long runs).</param>
/// <param name="Patterns">Recent patterns.</param>
/// <param name="Model">Model curves.</param>
public sealed record CellSnapshot(CellCard Card, IReadOnlyList<TimelinePoint> Points, IReadOnlyList<PatternMark> Patterns, ModelCurves Model);
