using Twin.Core.Cutoff;
using Twin.Core.Safety;
using Twin.Epics.ProcessVariables;
using Twin.Service.Ingest;

namespace Twin.Service.Epics;

/// <summary>
/// One cell's process variables, <c>{prefix}{cell}:NAME</c>, set from the cell's snapshots. c_Li's alarm follows the
/// twin's own zone (with its hysteresis): caution → LOW/MINOR, critical and deep → LOLO/MAJOR, and its LOW/LOLO limits
/// show the zone limits; before the first state every PV is INVALID (UDF), as an EPICS record before its first
/// processing.
/// </summary>
public sealed class CellPvs
{
    /// <summary>Zone names in <see cref="Zone"/> order, the states of <c>:ZONE</c>.</summary>
    public static readonly string[] ZoneStates = ["safe", "caution", "critical", "deep"];

    /// <summary>Cut-off decisions in <see cref="CutoffDecision"/> order, the states of <c>:CUTOFF</c>.</summary>
    public static readonly string[] CutoffStates = ["continue", "stop_lithium", "stop_voltage"];

    /// <summary>Creates a cell's PVs in a registry.</summary>
    /// <param name="registry">Where they are served from.</param>
    /// <param name="prefix">PV prefix, e.g. <c>TWIN:</c>.</param>
    /// <param name="cellId">Cell id.</param>
    /// <param name="limits">The cell's zone limits (CLI's LOW/LOLO).</param>
    /// <param name="cLiMin">The cut-off's c_Li,min (CLI_LOW's LOLO).</param>
    /// <param name="requestPattern">Handles a write to <c>:PATTERN_REQ</c>.</param>
    /// <exception cref="ArgumentException">A PV name is invalid or already taken.</exception>
    public CellPvs(PvRegistry registry, string prefix, string cellId, SafetyLimits limits, double cLiMin, Func<PvWrite, PvWriteResult> requestPattern)
    {
        string p = prefix + cellId + ":";
        ProcessVariable Add(string name, PvKind kind, PvMetadata? meta = null, Func<PvWrite, PvWriteResult>? write = null) =>
            registry.Add(new ProcessVariable(p + name, kind, meta, write));
        // c_Li is a fraction of the formula unit Li_xMO2: dimensionless, 0–1, shown to 4 digits (the twin's σ is ~0.003)
        var fraction = new PvMetadata { Precision = 4, DisplayLow = 0, DisplayHigh = 1 };
        CLi = Add("CLI", PvKind.Double, fraction with { Low = limits.CautionCLi, LoLo = limits.CriticalCLi });
        CLiSigma = Add("CLI_SIGMA", PvKind.Double, fraction);
        CLiLow = Add("CLI_LOW", PvKind.Double, fraction with { LoLo = cLiMin });
        Zone = Add("ZONE", PvKind.Enum, new PvMetadata { States = ZoneStates });
        Voltage = Add("V", PvKind.Double, new PvMetadata { Units = "V", Precision = 4 });
        Current = Add("I", PvKind.Double, new PvMetadata { Units = "A", Precision = 6 });
        Charge = Add("Q", PvKind.Double, new PvMetadata { Units = "A*h", Precision = 6 });
        A = Add("A", PvKind.Double, new PvMetadata { Units = "Ang", Precision = 5 });
        C = Add("C", PvKind.Double, new PvMetadata { Units = "Ang", Precision = 4 });
        DIl = Add("DIL", PvKind.Double, new PvMetadata { Units = "Ang", Precision = 4 });
        EpsAniso = Add("EPS_ANISO", PvKind.Double, new PvMetadata { Precision = 6 });
        TimeToCritical = Add("TTC", PvKind.Double, new PvMetadata { Units = "s", Precision = 0 });
        Step = Add("STEP", PvKind.Long);
        Cycle = Add("CYCLE", PvKind.Long);
        Cutoff = Add("CUTOFF", PvKind.Enum, new PvMetadata { States = CutoffStates });
        LastPattern = Add("LAST_PATTERN", PvKind.String);
        PatternRequest = Add("PATTERN_REQ", PvKind.Long, write: w =>
        {
            var result = requestPattern(w);
            if (result.Accepted) PatternRequest!.Set(PatternRequest.Value.Number is var n && double.IsFinite(n) ? n + 1 : 1, Twin.Core.Samples.UnixTime.NowNs());
            return result;
        });
        PatternRequest.Set(0, Twin.Core.Samples.UnixTime.NowNs());
    }

#pragma warning disable CS1591 // one PV each, named by its suffix
    public ProcessVariable CLi { get; }
    public ProcessVariable CLiSigma { get; }
    public ProcessVariable CLiLow { get; }
    public ProcessVariable Zone { get; }
    public ProcessVariable Voltage { get; }
    public ProcessVariable Current { get; }
    public ProcessVariable Charge { get; }
    public ProcessVariable A { get; }
    public ProcessVariable C { get; }
    public ProcessVariable DIl { get; }
    public ProcessVariable EpsAniso { get; }
    public ProcessVariable TimeToCritical { get; }
    public ProcessVariable Step { get; }
    public ProcessVariable Cycle { get; }
    public ProcessVariable Cutoff { get; }
    public ProcessVariable LastPattern { get; }
    /// <summary>Writable: a write asks the driver for a pattern; reads back the number of requests accepted.</summary>
    public ProcessVariable PatternRequest { get; }
#pragma warning restore CS1591

    /// <summary>The alarm of a zone: caution MINOR, critical and deep MAJOR.</summary>
    /// <param name="zone">Zone.</param>
    /// <param name="status">The status to report with it (LOW/LOLO for c_Li, STATE for the zone PV).</param>
    /// <returns>Status and severity.</returns>
    public static (AlarmStatus, AlarmSeverity) ZoneAlarm(Zone zone, bool status) => zone switch
    {
        Core.Safety.Zone.Safe => (AlarmStatus.None, AlarmSeverity.None),
        Core.Safety.Zone.Caution => (status ? AlarmStatus.Low : AlarmStatus.State, AlarmSeverity.Minor),
        _ => (status ? AlarmStatus.LoLo : AlarmStatus.State, AlarmSeverity.Major),
    };

    /// <summary>Sets every PV from a snapshot (nothing before the cell's first state; only <c>:LAST_PATTERN</c> when the state is the one set last). Thread-safe (the first update at the start may meet the twin's).</summary>
    /// <param name="s">The snapshot.</param>
    public void Update(CellSnapshot s)
    {
        lock (_gate) UpdateLocked(s);
    }

    private readonly Lock _gate = new();

    private void UpdateLocked(CellSnapshot s)
    {
        if (s.State is not { } st) return;
        if (s.LastPattern is { } last && last.PatternId != LastPattern.Value.Text) LastPattern.SetText(last.PatternId, (last.StartUnixNs + last.EndUnixNs) / 2);
        // a snapshot of the same state (a stored pattern, new settings) is not a new value: monitors see each state once
        if (st.TimeUnixNs < _stateTime || (st.TimeUnixNs == _stateTime && st.Seq == _stateSeq && s.Zone == _zone)) return; // older, or the same
        (_stateTime, _stateSeq, _zone) = (st.TimeUnixNs, st.Seq, s.Zone);
        long t = st.TimeUnixNs;
        var none = (AlarmStatus.None, AlarmSeverity.None);
        CLi.Set(st.CLi, t, ZoneAlarm(s.Zone, status: true));
        CLiSigma.Set(st.CLiSigma ?? double.NaN, t, st.CLiSigma is null ? null : none);
        CLiLow.Set(st.CLiLow ?? double.NaN, t);
        Zone.Set((int)s.Zone, t, ZoneAlarm(s.Zone, status: false));
        Voltage.Set(st.VoltageV, t, none);
        Current.Set(st.CurrentA, t, none);
        Charge.Set(st.ChargeAh, t, none);
        A.Set(st.AA, t, none);
        C.Set(st.CA, t, none);
        DIl.Set(st.DIlA, t, none);
        EpsAniso.Set(st.EpsAniso, t, none);
        TimeToCritical.Set(st.TimeToCriticalS ?? double.NaN, t, none); // NaN: not heading for the critical limit
        Step.Set(st.Step, t, none);
        Cycle.Set(st.Cycle, t, none);
        Cutoff.Set((int)(s.Decision ?? CutoffDecision.Continue), t, s.Decision is CutoffDecision.StopLithium or CutoffDecision.StopVoltage
            ? (AlarmStatus.State, AlarmSeverity.Minor) : none);
    }

    private long _stateTime = long.MinValue;
    private long _stateSeq = long.MinValue;
    private Zone _zone;
}
