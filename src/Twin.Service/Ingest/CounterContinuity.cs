using Twin.Core.Lithium;
using Twin.Messaging.Contracts;
using Twin.Service.State;

namespace Twin.Service.Ingest;

/// <summary>
/// Maps the charge counters of a cell's source sessions onto the one counter stream the twin's estimator follows
/// (docs/model.md §1: the source's counter is preferred; a new counter segment restarts it from zero). Each session keeps
/// its own continuity: within a session the twin sees the source's counter differences exactly (unchanged when there is
/// only one session, so live c_Li equals <c>twin replay</c> bit for bit); a new session (a restarted driver counts its
/// charge from zero again) starts from a baseline and adds nothing for its first sample; a return to the previous
/// session continues that session's counter, so samples of a foreign source in between do not move c_Li by the
/// difference between two unrelated counters. A counter restart (new segment) inside a session is checked against
/// what the current can have passed since the session's previous sample. Not thread-safe; under the cell's lock.
/// </summary>
public sealed class CounterContinuity
{
    /// <summary>Factor on the charge the larger of two consecutive currents passes over their interval, for the
    /// plausibility of a restarted counter (the current between two samples can exceed both readings).</summary>
    public const double RestartChargeFactor = 1.5;

    /// <summary>Slack of that check as a fraction of Q_Li, for counters printed with few decimals.</summary>
    public const double RestartSlackPerQLi = 1e-4;

    private readonly double _qLiAh;
    private double _fedCounter;
    private int _fedSegment;
    private SourceCounterState _current;
    private SourceCounterState _previous;

    /// <summary>Creates the mapping, resuming from the twin's estimator and the saved counters.</summary>
    /// <param name="qLiAh">The cell's Q_Li, A·h per unit c_Li.</param>
    /// <param name="estimator">The twin's estimator state (what it saw last).</param>
    /// <param name="saved">Saved counters, or null (a fresh cell, or a checkpoint written before sessions existed: the
    /// estimator's last counter and segment were the source's own).</param>
    /// <param name="lastTimeUnixNs">Time of the last applied sample (for a checkpoint without counters).</param>
    public CounterContinuity(double qLiAh, EstimatorState estimator, CounterRecord? saved, long lastTimeUnixNs)
    {
        _qLiAh = qLiAh;
        _fedCounter = estimator.LastCounterAh;
        _fedSegment = estimator.LastSegment;
        if (saved is not null)
        {
            _current = saved.Current;
            _previous = saved.Previous;
        }
        else _current = new SourceCounterState(estimator.LastCounterAh, estimator.LastSegment, 0, estimator.LastCurrentA, lastTimeUnixNs, estimator.Samples > 0);
    }

    /// <summary>The state to save.</summary>
    public CounterRecord State => new(_current, _previous);

    /// <summary>
    /// Checks a sample that continues the active session: a counter that restarts (new segment) must not hold more
    /// charge than the current can have passed since the session's previous sample
    /// (|charge_Ah| ≤ <see cref="RestartChargeFactor"/> · max(|I|, |I_prev|) · Δt + <see cref="RestartSlackPerQLi"/> · Q_Li).
    /// </summary>
    /// <param name="s">The sample.</param>
    /// <param name="verdict">The sequence verdict (only <see cref="SequenceVerdict.InOrder"/> and <see cref="SequenceVerdict.Gap"/> are checked).</param>
    /// <returns>Null when plausible, else a line naming the values.</returns>
    public string? Check(in IngestSample s, SequenceVerdict verdict)
    {
        if (verdict is not (SequenceVerdict.InOrder or SequenceVerdict.Gap) || !_current.Known || !s.HasCharge || s.CounterSegment == _current.LastSegment) return null;
        double hours = Math.Max(0, s.TimeUnixNs - _current.LastTimeUnixNs) / 3.6e12;
        double allowed = RestartChargeFactor * Math.Max(Math.Abs(s.CurrentA), Math.Abs(_current.LastCurrentA)) * hours + RestartSlackPerQLi * _qLiAh;
        if (Math.Abs(s.ChargeAh) <= allowed) return null;
        return FormattableString.Invariant(
            $"seq {s.Seq}: counter_segment {s.CounterSegment} restarts the charge counter at charge_Ah = {s.ChargeAh:G6}, but {s.CurrentA:G4} A (previous {_current.LastCurrentA:G4} A) over {hours * 3600:G4} s passes at most {allowed:G4} A·h");
    }

    /// <summary>Maps an applied sample's counter onto the twin's counter and records it.</summary>
    /// <param name="s">The sample.</param>
    /// <param name="verdict">The sequence verdict (an applied one).</param>
    /// <returns>The counter value (NaN when the sample has none) and segment to give the twin.</returns>
    public (double CounterAh, int Segment) Map(in IngestSample s, SequenceVerdict verdict)
    {
        double q = s.ChargeAh;
        int g = s.CounterSegment;
        double offset = 0;
        double fed;
        if (verdict == SequenceVerdict.NewSession)
        {
            _previous = _current;
            // Baseline: the twin sees the counter where it last was, so the new source's first counter adds nothing.
            bool anchor = !double.IsNaN(q) && !double.IsNaN(_fedCounter);
            offset = anchor ? _fedCounter - q : 0;
            fed = anchor ? _fedCounter : q;
        }
        else
        {
            if (verdict == SequenceVerdict.ResumedSession)
            {
                (_current, _previous) = (_previous, _current);
                if (_current.Known && !double.IsNaN(_current.LastCounterAh) && !double.IsNaN(_fedCounter))
                    _current = _current with { OffsetAh = _fedCounter - _current.LastCounterAh };
                else _current = _current with { OffsetAh = 0 };
            }
            if (!_current.Known)
            {
                _fedSegment = g;
                fed = q;
            }
            else if (double.IsNaN(q))
            {
                offset = _current.OffsetAh;
                fed = double.NaN;
            }
            else if (g == _current.LastSegment)
            {
                offset = _current.OffsetAh;
                fed = offset == 0 ? q : q + offset;
            }
            else
            {
                // The source's counter restarted: a segment the twin has not seen last, counter as sent.
                _fedSegment = unchecked(_fedSegment + 1);
                fed = q;
            }
        }
        _current = new SourceCounterState(q, g, offset, s.CurrentA, s.TimeUnixNs, true);
        _fedCounter = fed;
        return (fed, _fedSegment);
    }
}
