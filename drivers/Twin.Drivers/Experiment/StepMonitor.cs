using Twin.Core.Cutoff;
using Twin.Drivers.Instruments;
using Twin.Drivers.Protocol;

namespace Twin.Drivers.Experiment;

/// <summary>Why a step ended.</summary>
/// <param name="Message">In words, e.g. "voltage 4.201 V ≥ 4.2 V".</param>
/// <param name="EndsCharge">True when the charge as a whole is over (lithium cut-off or safe cut-off): following hold steps are skipped.</param>
public sealed record StepEnd(string Message, bool EndsCharge);

/// <summary>
/// Evaluates a running step's end conditions against each reading, the twin's latest state and the watchdog.
/// </summary>
/// <remarks>
/// Conditions: <c>until V</c> (charge: V ≥ value, discharge: V ≤ value), <c>until I / C-rate</c> (hold: |I| ≤ value),
/// durations (instrument time since the step's first reading), <c>until c_Li x</c> (charge/hold: c_Li ≤ x, discharge:
/// c_Li ≥ x; a target, on the estimate — the safety margin is the cut-off's), the lithium cut-off on charging steps
/// when it is on (the twin's <c>stop_lithium</c> decision, or its lower bound c_Li − k·σ reaching its c_Li,min once
/// carried forward to the present reading, <see cref="LithiumNow"/>) and, after the watchdog fired, the safe voltage
/// cut-off in place of every lithium-content condition. Lithium conditions act on a twin state about a reading of
/// this step, or an older one the runner could carry forward.
/// </remarks>
public sealed class StepMonitor
{
    private readonly StepPlan _plan;
    private readonly double _nominalCapacityAh;
    private readonly bool _lithiumCutoff;
    private long _startNs = long.MinValue;

    /// <summary>Creates a monitor for one step.</summary>
    /// <param name="plan">The resolved step.</param>
    /// <param name="nominalCapacityAh">1C in amperes, for C-rate conditions.</param>
    /// <param name="lithiumCutoff">Obey the twin's <c>stop_lithium</c> decision on charging steps.</param>
    public StepMonitor(StepPlan plan, double nominalCapacityAh, bool lithiumCutoff)
    {
        _plan = plan;
        _nominalCapacityAh = nominalCapacityAh;
        _lithiumCutoff = lithiumCutoff;
    }

    /// <summary>Instrument time of the step's first reading, ns since the Unix epoch (long.MinValue before).</summary>
    public long StartUnixNs => _startNs;

    /// <summary>Checks a reading.</summary>
    /// <param name="r">The reading.</param>
    /// <param name="twin">The twin's latest state, or null.</param>
    /// <param name="now">That state carried forward to this reading (null when it could not be).</param>
    /// <param name="safeCutoffV">When not null the watchdog has fired: the charge ends at this voltage and lithium-content conditions are ignored.</param>
    /// <returns>Why the step ends, or null to continue.</returns>
    public StepEnd? Check(in SmuReading r, TwinFeedback? twin, LithiumNow? now, double? safeCutoffV)
    {
        if (_startNs == long.MinValue) _startNs = r.TimeUnixNs;
        var step = _plan.Step;
        bool fresh = twin is not null && now is { } n && (n.CarriedForward || twin.TimeUnixNs >= _startNs) && safeCutoffV is null;
        double cLi = now?.CLi ?? double.NaN;
        if (safeCutoffV is { } safe && _plan.Charging)
        {
            if (_plan.HoldVoltageV is { } hold && hold >= safe - 1e-9)
                return new StepEnd($"watchdog: hold at {hold:0.000} V is at or above the safe cut-off {safe:0.000} V", true);
            if (_plan.HoldVoltageV is null && r.VoltageV >= safe)
                return new StepEnd($"watchdog: voltage {r.VoltageV:0.0000} V reached the safe cut-off {safe:0.000} V", true);
        }
        if (fresh && _lithiumCutoff && _plan.Charging)
        {
            if (twin!.Cutoff == CutoffDecision.StopLithium && twin.TimeUnixNs >= _startNs)
                return new StepEnd($"c_Li {twin.CLi:0.0000}: the twin's lithium cut-off", true);
            if (now!.Value is { CarriedForward: true, CLiLow: { } low } ahead && twin.CLiMin is { } min && low <= min)
                return new StepEnd($"c_Li {ahead.CLi:0.0000}: the twin's lithium cut-off (bound {low:0.0000} ≤ c_Li,min {min:0.00##}; " +
                    $"its state carried forward {ahead.LagS:0} s by the charge counted)", true);
        }
        foreach (var limit in step.Until)
        {
            switch (limit.Kind)
            {
                case LimitKind.Duration when (r.TimeUnixNs - _startNs) / 1e9 >= limit.Value:
                    return new StepEnd($"duration {limit.Value:0.#} s reached", false);
                case LimitKind.Voltage when step.Action == ProtocolAction.Charge && r.VoltageV >= limit.Value:
                    return new StepEnd($"voltage {r.VoltageV:0.0000} V ≥ {limit.Value} V", false);
                case LimitKind.Voltage when step.Action == ProtocolAction.Discharge && r.VoltageV <= limit.Value:
                    return new StepEnd($"voltage {r.VoltageV:0.0000} V ≤ {limit.Value} V", false);
                case LimitKind.Current when Math.Abs(r.CurrentA) <= limit.Value:
                    return new StepEnd($"current {Math.Abs(r.CurrentA):0.######} A ≤ {limit.Value} A", false);
                case LimitKind.CRate when Math.Abs(r.CurrentA) <= limit.Value * _nominalCapacityAh:
                    return new StepEnd($"current {Math.Abs(r.CurrentA):0.######} A ≤ C/{1 / limit.Value:0.##} ({limit.Value * _nominalCapacityAh:0.######} A)", false);
                case LimitKind.LithiumContent when fresh && (step.Action == ProtocolAction.Discharge ? cLi >= limit.Value : cLi <= limit.Value):
                    return new StepEnd($"c_Li {cLi:0.0000} reached {limit.Value}", step.Action != ProtocolAction.Discharge);
            }
        }
        return null;
    }
}
