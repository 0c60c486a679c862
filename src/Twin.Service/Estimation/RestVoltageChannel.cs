using System.Globalization;
using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.RestVoltage;
using Twin.Core.Samples;
using Twin.Service.Config;

namespace Twin.Service.Estimation;

/// <summary>
/// A cell's rest voltages as measurements of c_Li (docs/model.md §8): a <see cref="RelaxationDetector"/> fed by every
/// applied sample; when a rest that lasted a full slope window ends, its relaxed voltage is inverted through the
/// cathode's open-circuit potential (<see cref="RestVoltageInversion"/>) and, when that gives c_Li, offered to the
/// twin's estimator. Only for cells whose <c>counter_electrode</c> is set (<see cref="For"/> returns null otherwise).
/// </summary>
/// <remarks>
/// The detector's rest current threshold (C/1000) refers to the instrument section's <c>nominal_capacity_Ah</c> when
/// the cell has one, else to Q_Li (the charge per unit c_Li, larger than the usable capacity, so the threshold is a
/// little looser). A rest in progress is not checkpointed: after a restart or a rolled-back batch it starts again
/// with the next rest sample. Not thread-safe: used under the cell's lock.
/// </remarks>
public sealed class RestVoltageChannel
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private readonly RelaxationDetector _detector;
    private readonly RestVoltageInversion _inversion;

    private RestVoltageChannel(RelaxationDetector detector, RestVoltageInversion inversion, string capacitySource)
    {
        _detector = detector;
        _inversion = inversion;
        CapacitySource = capacitySource;
    }

    /// <summary>The channel of a cell, or null when its counter electrode is not set.</summary>
    /// <param name="cell">The cell.</param>
    /// <returns>The channel, or null.</returns>
    public static RestVoltageChannel? For(ExperimentCell cell)
    {
        var c = cell.Config;
        if (c.CounterElectrode == CounterElectrode.Unspecified) return null;
        (double capacity, string source) = cell.Instrument?.Runner.NominalCapacityAh is double n and > 0
            ? (n, "the instrument's nominal_capacity_Ah")
            : (c.QLiAh, "Q_Li (no instrument section with nominal_capacity_Ah)");
        return new RestVoltageChannel(new RelaxationDetector(capacity), RestVoltageInversion.ForCell(c), source);
    }

    /// <summary>What the rest current threshold refers to.</summary>
    public string CapacitySource { get; }

    /// <summary>The detector.</summary>
    public RelaxationDetector Detector => _detector;

    /// <summary>The inversion (counter electrode, tables).</summary>
    public RestVoltageInversion Inversion => _inversion;

    /// <summary>One line for the start-up log: counter electrode, table and its c_Li scale, threshold.</summary>
    /// <returns>The line.</returns>
    public string Describe() => string.Create(Ci,
        $"rest voltages as c_Li measurements: counter electrode {_inversion.CounterElectrode.Name()}, cathode table '{_inversion.Cathode?.Name ?? "none"}' " +
        $"(c_Li on the {_inversion.Cathode?.Scale.ToString() ?? "-"} scale: it corrects this cell only if its c_li0 and q_li_Ah are on that scale), " +
        $"rest below {_detector.MaxCurrentA * 1e3:G3} mA (C/1000 of {_detector.CapacityAh:G4} A·h, {CapacitySource})");

    /// <summary>Feeds one applied sample; when it ended a rest of at least one slope window, inverts the rest's voltage
    /// and offers the result to the twin.</summary>
    /// <param name="sample">The sample just applied to <paramref name="twin"/>.</param>
    /// <param name="twin">The cell's twin.</param>
    /// <returns>The rest and what it gave, or null when no such rest ended.</returns>
    public RestRecord? Add(in CyclerSample sample, CellTwin twin)
    {
        if (!_detector.Add(sample, out var rest) || rest.Outcome is RestOutcome.TooShort or RestOutcome.Interrupted) return null;
        var result = _inversion.Invert(rest, _detector.Options);
        long at = (long)Math.Round(rest.TimeS * 1e9);
        string what = rest.Describe(_detector.Options);
        if (!result.HasMeasurement)
            return new RestRecord(at, rest.Outcome, rest.DurationS, rest.VoltageV, rest.SlopeMVPerHour, double.NaN, double.NaN,
                rest.IsRelaxed ? "no_measurement" : "not_relaxed", rest.IsRelaxed ? $"{what}: {result.Reason}" : what, double.NaN, double.NaN);
        var u = twin.Observe(result.ToMeasurement());
        string status = PatternStatusNames.Snake(u.Status.ToString());
        string verdict = double.IsNaN(u.NormalizedInnovation)
            ? $"{what}: c_Li {result.CLi:0.####} ± {result.Sigma:0.####}, {status}"
            : string.Create(Ci, $"{what}: c_Li {result.CLi:0.####} ± {result.Sigma:0.####} vs predicted {u.PredictedCLi:0.####} ({u.NormalizedInnovation:+0.0;-0.0} σ), {status}");
        return new RestRecord(at, rest.Outcome, rest.DurationS, rest.VoltageV, rest.SlopeMVPerHour, result.CLi, result.Sigma,
            status, verdict, u.CLiAfter, u.SigmaAfter);
    }

    /// <summary>Forgets the rest in progress (after a rollback or a source restart).</summary>
    public void Reset() => _detector.Reset();
}
