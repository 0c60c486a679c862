using System.Globalization;
using Twin.Core.Cells;
using Twin.Core.Samples;

namespace Twin.Cli.Replay;

/// <summary>What a plausibility check found in a cycler file.</summary>
internal enum PlausibilityKind
{
    /// <summary>Time ran backwards by less than <see cref="PlausibilityChecks.BackwardsToleranceS"/> (logger jitter).</summary>
    TimeBackwards,

    /// <summary>Consecutive rows further apart than <see cref="PlausibilityChecks.GapS"/> while current flowed.</summary>
    Gap,

    /// <summary>c_Li left [0, 1] by more than <see cref="PlausibilityChecks.CLiTolerance"/>.</summary>
    CLiOutOfRange,

    /// <summary>The file's charge counter and ∫I dt over a counter segment differ by more than the tolerance.</summary>
    ChargeMismatch,
}

/// <summary>Names of <see cref="PlausibilityKind"/> as written to summary.json.</summary>
internal static class PlausibilityKindNames
{
    /// <summary>The snake_case name.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>time_backwards, gap, c_li_out_of_range or charge_mismatch.</returns>
    public static string Name(this PlausibilityKind kind) => kind switch
    {
        PlausibilityKind.TimeBackwards => "time_backwards",
        PlausibilityKind.Gap => "gap",
        PlausibilityKind.ChargeMismatch => "charge_mismatch",
        _ => "c_li_out_of_range",
    };
}

/// <summary>One kind of warning with its first occurrence and how often it occurred.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="FirstLine">1-based line of the file where it was first found.</param>
/// <param name="Count">Rows where it was found.</param>
/// <param name="Detail">The first occurrence in words, with the file and line.</param>
internal sealed record PlausibilityWarning(PlausibilityKind Kind, long FirstLine, long Count, string Detail);

/// <summary>A cycler file whose numbers cannot be trusted: the message says why, where, and which option would fix it.</summary>
/// <param name="message">The explanation.</param>
internal sealed class ImplausibleDataException(string message) : Exception(message);

/// <summary>
/// Checks each replayed row and the twin's output for what cannot be right: time running backwards, long gaps while
/// current flows, a charge counter that disagrees with ∫I dt, c_Li outside [0, 1], numbers that are not finite. What
/// can still be used is a warning (first line and count, printed and written to summary.json); what makes every later
/// number wrong is an <see cref="ImplausibleDataException"/> that stops the replay before anything is written.
/// </summary>
/// <param name="file">The file, for messages.</param>
/// <param name="qLiAh">The cell's Q_Li, A·h (the absolute floor of the charge tolerance).</param>
/// <param name="rowName">What the row numbers count: "line" (text exports) or "record" (binary files).</param>
internal sealed class PlausibilityChecks(string file, double qLiAh, string rowName = "line")
{
    /// <summary>
    /// Time may run backwards by up to this much (s) and still be taken as logger jitter: a warning, the row's charge
    /// counted from the later time. Modelling assumption (one logging period of a fast cycler channel).
    /// </summary>
    public const double BackwardsToleranceS = 1.0;

    /// <summary>Rows further apart than this (s) while current flows are a gap warning. Modelling assumption.</summary>
    public const double GapS = 3600;

    /// <summary>
    /// c_Li may leave [0, 1] by this much before it is a warning: the uncertainty of a c_Li0 or Q_Li from a datasheet.
    /// Modelling assumption.
    /// </summary>
    public const double CLiTolerance = 0.05;

    /// <summary>
    /// c_Li outside [−<see cref="CLiImpossible"/>, 1 + <see cref="CLiImpossible"/>] is an error: no error of c_Li0 or
    /// Q_Li a correction could fix gets there; the units or Q_Li are wrong. Modelling assumption.
    /// </summary>
    public const double CLiImpossible = 1.0;

    /// <summary>
    /// The file's counter and ∫I dt (trapezoids) over one counter segment may differ by this fraction of the charge
    /// throughput ∫|I| dt, plus <see cref="ChargeFloorCLi"/> × Q_Li, before it is a warning. Modelling assumption
    /// (trapezoids over current steps logged every few seconds to a minute stay well within it).
    /// </summary>
    public const double ChargeTolerance = 0.05;

    /// <summary>Absolute floor of the charge tolerance, in units of c_Li (× Q_Li gives A·h). Modelling assumption.</summary>
    public const double ChargeFloorCLi = 0.01;

    private readonly Dictionary<PlausibilityKind, PlausibilityWarning> _warnings = [];
    private int _segment = int.MinValue;
    private long _segmentLine;
    private double _segmentCounter, _integralAh, _throughputAh, _counterNow;
    private long _counterLine;
    private bool _started;
    private double _lastTimeS;
    private long _lastLine;
    private int _lastStep;
    private double _lastCurrentA;

    /// <summary>The warnings so far, one per kind, in the order first found.</summary>
    public IReadOnlyList<PlausibilityWarning> Warnings => [.. _warnings.Values.OrderBy(w => w.FirstLine)];

    /// <summary>Checks a row before it reaches the twin.</summary>
    /// <param name="line">Its 1-based line.</param>
    /// <param name="s">The sample.</param>
    /// <exception cref="ImplausibleDataException">Time is not finite or runs backwards by more than <see cref="BackwardsToleranceS"/>.</exception>
    public void CheckRow(long line, in CyclerSample s)
    {
        var inv = CultureInfo.InvariantCulture;
        if (!double.IsFinite(s.TimeS) || !double.IsFinite(s.CurrentA) || !double.IsFinite(s.VoltageV))
            throw new ImplausibleDataException($"{Where(line)}: time, voltage or current is not a finite number ({s.TimeS.ToString(inv)} s, {s.VoltageV.ToString(inv)} V, {s.CurrentA.ToString(inv)} A)");
        if (_started)
        {
            double dt = s.TimeS - _lastTimeS;
            if (dt < -BackwardsToleranceS)
            {
                string why = s.Step != _lastStep
                    ? $"the time column restarts at step {s.Step} (after step {_lastStep} ended at {_lastTimeS.ToString("0.###", inv)} s): it is a step time, not the test's time — export the total test time (e.g. 'Test Time', 'time/s', 'test_time_second')"
                    : "the rows are out of order or the clock was set back within a step — sort the export by time";
                throw new ImplausibleDataException(string.Create(inv,
                    $"{Where(line)}: time {s.TimeS:0.###} s is {-dt:0.###} s before the previous row's ({rowName} {_lastLine}); charge counted across it would be wrong: {why}"));
            }
            if (dt < 0)
                Warn(PlausibilityKind.TimeBackwards, line, string.Create(inv, $"{Where(line)}: time runs {-dt:0.###} s backwards ({rowName} {_lastLine} has {_lastTimeS:0.###} s); taken as logger jitter"));
            else if (dt > GapS && (_lastCurrentA != 0 || s.CurrentA != 0))
                Warn(PlausibilityKind.Gap, line, string.Create(inv,
                    $"{Where(line)}: no row for {dt / 3600:0.#} h after {rowName} {_lastLine} while current flowed ({_lastCurrentA:G4} A before, {s.CurrentA:G4} A after): the charge counted across the gap assumes the current in between"));
        }
        TrackCharge(line, s);
        if (!_started || s.TimeS >= _lastTimeS) _lastTimeS = s.TimeS;
        _started = true;
        _lastLine = line;
        _lastStep = s.Step;
        _lastCurrentA = s.CurrentA;
    }

    /// <summary>Checks the twin's output for a row.</summary>
    /// <param name="line">Its 1-based line.</param>
    /// <param name="o">The twin's output.</param>
    /// <param name="cell">The cell (for Q_Li and c_Li0 in messages).</param>
    /// <exception cref="ImplausibleDataException">c_Li is not finite or impossibly far outside [0, 1].</exception>
    public void CheckOutput(long line, in TwinOutput o, CellConfig cell)
    {
        if (o.CLi >= -CLiTolerance && o.CLi <= 1 + CLiTolerance) return;
        var inv = CultureInfo.InvariantCulture;
        string fix = string.Create(inv,
            $"check --q-li-ah ({cell.QLiAh:G4} A·h per unit c_Li) or --active-mass-mg, --c-li0 ({cell.CLi0:0.###}), the current's sign, and that the file's time is in seconds and its current in amperes");
        if (!double.IsFinite(o.CLi) || o.CLi < -CLiImpossible || o.CLi > 1 + CLiImpossible)
            throw new ImplausibleDataException(string.Create(inv,
                $"{Where(line)}: c_Li = {o.CLi:0.####} after {o.ChargeAh:G4} A·h charged, impossible for a lithium content (it lies in [0, 1]): {fix}"));
        Warn(PlausibilityKind.CLiOutOfRange, line, string.Create(inv,
            $"{Where(line)}: c_Li = {o.CLi:0.####} lies outside [0, 1] by more than {CLiTolerance}: {fix}"));
    }

    /// <summary>Compares the last counter segment's charge with ∫I dt; call after the last row.</summary>
    public void Finish() => CloseSegment();

    private void TrackCharge(long line, in CyclerSample s)
    {
        if (!s.HasChargeCounter)
        {
            _segment = int.MinValue;
            return;
        }
        if (s.CounterSegment != _segment || !_started)
        {
            CloseSegment();
            (_segment, _segmentLine, _segmentCounter, _integralAh, _throughputAh) = (s.CounterSegment, line, s.ChargeCounterAh, 0, 0);
        }
        else if (s.TimeS > _lastTimeS)
        {
            double dt = (s.TimeS - _lastTimeS) / 3600;
            _integralAh += 0.5 * (_lastCurrentA + s.CurrentA) * dt;
            _throughputAh += 0.5 * (Math.Abs(_lastCurrentA) + Math.Abs(s.CurrentA)) * dt;
        }
        _counterNow = s.ChargeCounterAh;
        _counterLine = line;
    }

    private void CloseSegment()
    {
        if (_segment == int.MinValue) return;
        double counted = _counterNow - _segmentCounter;
        double allowed = ChargeTolerance * _throughputAh + ChargeFloorCLi * qLiAh;
        if (Math.Abs(counted - _integralAh) > allowed)
            Warn(PlausibilityKind.ChargeMismatch, _segmentLine, string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(file)} lines {_segmentLine}–{_counterLine}: the file's charge counter moved {counted:G4} A·h, the current integrates to {_integralAh:G4} A·h: the counter is what the twin uses — check the current's and counter's units and signs"));
        _segment = int.MinValue;
    }

    /// <summary>"file line N", built only for a message (not for every row).</summary>
    private string Where(long line) => $"{Path.GetFileName(file)} {rowName} {line}";

    private void Warn(PlausibilityKind kind, long line, string detail) =>
        _warnings[kind] = _warnings.TryGetValue(kind, out var w) ? w with { Count = w.Count + 1 } : new PlausibilityWarning(kind, line, 1, detail);
}
