using Twin.Core.Cutoff;
using Twin.Core.Estimation;
using Twin.Core.Lattice;
using Twin.Core.Safety;
using Twin.Core.Samples;
using Twin.Core.Strain;

namespace Twin.Core.Cells;

/// <summary>
/// The digital twin of one cell: lithium content from charge, corrected by independent measurements through a
/// Kalman filter (<see cref="LithiumFilter"/>, with σ), reduced lattice and strain, safety zone with hysteresis,
/// per-cycle metrics and the cut-off-by-lithium decision, updated sample by sample. The zone, the time to critical and
/// the cut-off act on the lower confidence bound c_Li − k·σ; the per-cycle minimum, time below critical and first
/// crossing describe the estimate c_Li itself.
/// </summary>
/// <remarks>
/// <see cref="Update"/> allocates nothing except when a new cycle begins (one <see cref="CycleMetrics"/>).
/// Not thread-safe: one twin is fed by one consumer.
/// </remarks>
public sealed class CellTwin
{
    /// <summary>Time constant of the smoothed dc_Li/dt used for time-to-critical, s (a modelling assumption).</summary>
    public const double RateTimeConstantS = 120.0;

    /// <summary>Current magnitude under which a sample of unknown kind counts as rest, A.</summary>
    public const double RestCurrentA = 1e-6;

    private readonly LithiumFilter _filter;
    private readonly SafetyWindow _window;
    private readonly List<CycleMetrics> _cycles;
    private bool _chargeSeen;
    private bool _dischargeSeen;
    private bool _inCharge;
    private double _dischargeStartS = double.NaN;
    private double _rate;
    private double _lastCLi = double.NaN;
    private double _lastEpsAniso;
    private double _lastTime = double.NaN;

    /// <summary>Creates a fresh twin.</summary>
    /// <param name="config">The cell; validated.</param>
    /// <exception cref="ArgumentException">When the configuration is invalid.</exception>
    public CellTwin(CellConfig config)
    {
        config.Validate();
        Config = config;
        Lattice = new LatticeModel(config.Material);
        _filter = new LithiumFilter(config.CLi0, config.QLiAh, config.Estimator);
        _window = new SafetyWindow(config.Limits);
        _cycles = [new CycleMetrics { Cycle = 0 }];
    }

    /// <summary>Resumes a twin from a checkpoint taken with <see cref="Checkpoint"/>.</summary>
    /// <remarks>A checkpoint without the filter's state (written before the filter existed) resumes at the counted
    /// c_Li with the covariance of the priors propagated over the charge counted so far and the time its oldest kept
    /// cycle covers (the random walks before the restart are not known and not included).</remarks>
    /// <param name="config">The cell; must name the checkpoint's cell and material.</param>
    /// <param name="checkpoint">Saved state.</param>
    /// <exception cref="ArgumentException">When the checkpoint belongs to another cell or material, or has no cycles.</exception>
    public CellTwin(CellConfig config, TwinCheckpoint checkpoint) : this(config)
    {
        if (checkpoint.CellId != config.CellId || !string.Equals(checkpoint.Material, config.Material.Name, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"checkpoint is for cell '{checkpoint.CellId}' ({checkpoint.Material}), not '{config.CellId}' ({config.Material.Name})");
        if (checkpoint.Cycles.Count == 0) throw new ArgumentException("checkpoint has no cycle metrics");
        // The counter always counts with the experiment file's c_Li0 and Q_Li; the filter keeps the prior means in force
        // when the checkpoint was written (the file's then, or an operator's since) and moves to a changed file value below.
        var saved = checkpoint.Estimator;
        var filter = checkpoint.Filter is LithiumFilterState f
            ? f with { PriorCLi0 = f.PriorCLi0 > 0 ? f.PriorCLi0 : saved.CLi0, PriorQLiAh = f.PriorQLiAh > 0 ? f.PriorQLiAh : saved.QLiAh }
            : (LithiumFilterState?)null;
        _filter = new LithiumFilter(saved with { CLi0 = config.CLi0, QLiAh = config.QLiAh }, filter, config.Estimator,
            checkpoint.Estimator.LastTimeS - checkpoint.Cycles[0].StartTimeS);
        _window = new SafetyWindow(config.Limits, checkpoint.Zone);
        _cycles = [.. checkpoint.Cycles.Select(c => c.Clone())];
        _chargeSeen = checkpoint.ChargeSeenInCycle;
        _dischargeSeen = checkpoint.DischargeSeenInCycle;
        _rate = checkpoint.RateCLiPerS;
        _lastCLi = checkpoint.LastCLi;
        _lastEpsAniso = checkpoint.LastEpsAniso;
        _lastTime = checkpoint.Estimator.LastTimeS;
        List<PriorChange> changes = [];
        if (saved.CLi0 != config.CLi0) changes.Add(ChangePrior(LithiumPrior.CLi0, config.CLi0) with { Before = saved.CLi0 });
        if (saved.QLiAh != config.QLiAh) changes.Add(ChangePrior(LithiumPrior.QLi, config.QLiAh) with { Before = saved.QLiAh });
        ConfigChanges = changes;
    }

    /// <summary>
    /// c_Li0 and Q_Li of the experiment file that differ from the checkpoint this twin resumed from (empty for a fresh
    /// twin or an unchanged file), each already applied: the counted c_Li counts with the file's values from then on, and
    /// the estimate moved as <see cref="LithiumFilter.ChangePrior"/> says (as if the run had started from the new value).
    /// <see cref="PriorChange.Before"/> is the value the checkpoint was counted with.
    /// </summary>
    public IReadOnlyList<PriorChange> ConfigChanges { get; } = [];

    /// <summary>The cell's configuration.</summary>
    public CellConfig Config { get; }

    /// <summary>The material's lattice model.</summary>
    public LatticeModel Lattice { get; }

    /// <summary>Present c_Li (the filter's estimate).</summary>
    public double CLi => _filter.CLi;

    /// <summary>The c_Li filter: σ, counted c_Li, estimated Q_Li, current offset and c_Li0.</summary>
    public LithiumFilter Estimator => _filter;

    /// <summary>Present zone.</summary>
    public Zone Zone => _window.Zone;

    /// <summary>Metrics of every cycle so far; the last is the open cycle.</summary>
    public IReadOnlyList<CycleMetrics> Cycles => _cycles;

    /// <summary>The open cycle.</summary>
    public CycleMetrics CurrentCycle => _cycles[^1];

    /// <summary>
    /// Recommended voltage cut-off learned from the last cycle that reached c_Li,min (docs/model.md §5), V;
    /// NaN until some charge has reached c_Li,min.
    /// </summary>
    public double RecommendedCutoffV
    {
        get
        {
            for (int i = _cycles.Count - 1; i >= 0; i--)
                if (!double.IsNaN(_cycles[i].CutoffReachedVoltageV)) return _cycles[i].CutoffReachedVoltageV;
            return double.NaN;
        }
    }

    /// <summary>Consumes one sample.</summary>
    /// <param name="s">The sample (current positive on charge).</param>
    /// <returns>The twin's state after the sample.</returns>
    public TwinOutput Update(in CyclerSample s)
    {
        bool charging = s.Kind == StepKind.Charge || (s.Kind == StepKind.Unknown && s.CurrentA > RestCurrentA);
        bool discharging = s.Kind == StepKind.Discharge || (s.Kind == StepKind.Unknown && s.CurrentA < -RestCurrentA);

        bool newCycle = false;
        if (charging && (_dischargeSeen && _chargeSeen || _cycles[^1].Cycle == 0 && !_chargeSeen))
        {
            var done = _cycles[^1];
            SnapshotLithium(done, judge: false);
            int next = done.Cycle + 1;
            if (done.Cycle == 0 && done.Samples == 0) _cycles.RemoveAt(_cycles.Count - 1);
            _cycles.Add(new CycleMetrics { Cycle = next });
            _chargeSeen = false;
            _dischargeSeen = false;
            newCycle = true;
        }
        _chargeSeen |= charging;
        _dischargeSeen |= discharging;

        double cLi = _filter.Update(s);
        double dq = _filter.LastDeltaAh;
        double sigma = _filter.Sigma;
        var est = Config.Estimator;
        bool outOfRange = cLi - est.OutOfRangeSigmas * sigma > 1 || cLi + est.OutOfRangeSigmas * sigma < 0;
        var lattice = Lattice.Evaluate(cLi);
        double epsA = HeterogeneityStrain.EpsA(Lattice, cLi, Config.HeterogeneityDeltaCLi);
        double epsC = HeterogeneityStrain.EpsC(Lattice, cLi, Config.HeterogeneityDeltaCLi);
        double epsAniso = Config.Strain.Evaluate(cLi);
        // Zones and the cut-off act on the lower confidence bound c_Li − k·σ (docs/model.md §4–5).
        double bound = cLi - est.BoundSigmas * sigma;
        var previous = _window.Zone;
        _window.Update(bound);
        var zone = _window.Zone;

        double dt = double.IsNaN(_lastTime) ? 0 : s.TimeS - _lastTime;
        if (dt > 0 && !double.IsNaN(_lastCLi))
        {
            double alpha = 1 - Math.Exp(-dt / RateTimeConstantS);
            _rate += alpha * ((cLi - _lastCLi) / dt - _rate);
        }
        double crit = Config.Limits.CriticalCLi;
        double ttc = bound < crit ? 0 : _rate < 0 ? (bound - crit) / -_rate : double.PositiveInfinity;

        var m = _cycles[^1];
        Accumulate(m, s, cLi, bound, dq, dt, zone, charging, epsAniso);
        TrackInventory(m, s.TimeS, cLi, sigma, charging, discharging);
        var decision = Config.Cutoff.Decide(bound, s.VoltageV, charging);

        _lastCLi = cLi;
        _lastEpsAniso = epsAniso;
        _lastTime = s.TimeS;
        return new TwinOutput(s.TimeS, s.VoltageV, s.CurrentA, _filter.ChargeAh, cLi,
            lattice.AA, lattice.CA, lattice.VolumeA3, epsA, epsC, epsAniso,
            zone, previous, m.Cycle, s.Step, charging, newCycle, ttc, decision,
            sigma, _filter.CountedCLi, bound, outOfRange, lattice.Extrapolated);
    }

    /// <summary>
    /// Applies an independent measurement of c_Li (diffraction, rest voltage, operator) to the filter. The next
    /// <see cref="Update"/> reports the corrected c_Li; zones and the cut-off act on it from then on. The smoothed
    /// rate of c_Li sees the correction as made at the last sample, not as a rate. Allocates nothing.
    /// </summary>
    /// <param name="measurement">The measurement, at or before the last sample's time.</param>
    /// <returns>What the filter did (applied, gated, refused and why) and the innovation.</returns>
    public LithiumUpdate Observe(in LithiumMeasurement measurement)
    {
        var r = _filter.Observe(measurement);
        if (r.Changed && !double.IsNaN(_lastCLi)) _lastCLi += r.CLiAfter - r.CLiBefore;
        var m = _cycles[^1];
        if (r.Changed) m.MeasurementsApplied++;
        if (r.Gated) m.MeasurementsGated++;
        double d = Math.Abs(r.NormalizedInnovation);
        if (d > m.MaxNormalizedInnovation || (double.IsNaN(m.MaxNormalizedInnovation) && !double.IsNaN(d))) m.MaxNormalizedInnovation = d;
        if (r.Changed) SnapshotLithium(m, judge: !(measurement.TimeS >= _dischargeStartS));
        return r;
    }

    /// <summary>Lithium inventory of the open cycle: c_Li, σ and counted c_Li at its last charge and discharge sample;
    /// at the end of the charge a snapshot of the filter's parameters and the diagnosis.</summary>
    private void TrackInventory(CycleMetrics m, double timeS, double cLi, double sigma, bool charging, bool discharging)
    {
        if (charging)
        {
            m.EndOfChargeCLi = cLi;
            m.EndOfChargeSigma = sigma;
            m.EndOfChargeCountedCLi = _filter.CountedCLi;
            m.EndOfChargeTimeS = timeS;
            _inCharge = true;
            _dischargeStartS = double.NaN;
            return;
        }
        if (_inCharge)
        {
            _inCharge = false;
            SnapshotLithium(m, judge: true);
        }
        if (discharging)
        {
            if (double.IsNaN(m.EndOfDischargeTimeS)) _dischargeStartS = timeS;
            m.EndOfDischargeCLi = cLi;
            m.EndOfDischargeSigma = sigma;
            m.EndOfDischargeCountedCLi = _filter.CountedCLi;
            m.EndOfDischargeTimeS = timeS;
        }
    }

    /// <summary>Records the filter's Q_Li, offset and c_Li0 in a cycle (end of its charge, a measurement applied, its
    /// end) and, when <paramref name="judge"/>, judges counting against the estimate now: at the end of the charge and
    /// for measurements that apply to a time before the cycle's discharge began, where an error that scales with the charge passed shows (at the end of
    /// the discharge the net charge, and with it such an error, is back near zero).</summary>
    private void SnapshotLithium(CycleMetrics m, bool judge)
    {
        m.QLiAh = _filter.QLiAh;
        m.QLiSigmaAh = _filter.QLiSigmaAh;
        m.CurrentOffsetA = _filter.CurrentOffsetA;
        m.CurrentOffsetSigmaA = _filter.CurrentOffsetSigmaA;
        m.CLi0Estimate = _filter.CLi0;
        if (judge) m.Diagnosis = LithiumInventory.Diagnose(_filter, Config.QLiAh, Config.CLi0);
    }

    /// <summary>
    /// An operator's correction of c_Li: applied at the last sample as a measurement with its σ, without the innovation
    /// gate (<see cref="LithiumFilter.Correct"/>). The next <see cref="Update"/> reports it; zones and the cut-off act on it
    /// from then on. Allocates nothing.
    /// </summary>
    /// <param name="cLi">c_Li, in [0, 1.2].</param>
    /// <param name="sigma">Its standard uncertainty, &gt; 0.</param>
    /// <returns>What the filter did, with the innovation.</returns>
    /// <exception cref="ArgumentOutOfRangeException">c_Li or σ out of range; the message names it.</exception>
    public LithiumUpdate Correct(double cLi, double sigma)
    {
        var r = _filter.Correct(cLi, sigma);
        if (r.Changed && !double.IsNaN(_lastCLi)) _lastCLi += r.CLiAfter - r.CLiBefore;
        return r;
    }

    /// <summary>
    /// Changes the prior mean of c_Li0 or Q_Li (an operator's corrected value; <see cref="LithiumFilter.ChangePrior"/>):
    /// the estimate moves to what it would be had the run started from it. The counted c_Li keeps counting with the
    /// experiment file's values.
    /// </summary>
    /// <param name="parameter">c_Li0 or Q_Li.</param>
    /// <param name="value">The new value: c_Li0 in (0, 1.2], Q_Li in A·h &gt; 0.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The shifted state would be invalid; nothing changes.</exception>
    public PriorChange ChangePrior(LithiumPrior parameter, double value)
    {
        var r = _filter.ChangePrior(parameter, value);
        if (!double.IsNaN(_lastCLi)) _lastCLi += r.CLiAfter - r.CLiBefore;
        return r;
    }

    private void Accumulate(CycleMetrics m, in CyclerSample s, double cLi, double bound, double dq, double dt, Zone zone, bool charging, double epsAniso)
    {
        double crit = Config.Limits.CriticalCLi;
        if (m.Samples == 0) m.StartTimeS = s.TimeS;
        m.Samples++;
        m.EndTimeS = s.TimeS;
        if (cLi < m.MinCLi)
        {
            m.MinCLi = cLi;
            m.MinCLiTimeS = s.TimeS;
            m.MinCLiVoltageV = s.VoltageV;
        }
        if (zone > m.WorstZone) m.WorstZone = zone;
        if (dq > 0) m.ChargedAh += dq; else m.DischargedAh -= dq;

        if (dt > 0 && !double.IsNaN(_lastCLi))
        {
            bool prevBelow = _lastCLi < crit, nowBelow = cLi < crit;
            if (prevBelow && nowBelow) m.TimeBelowCriticalS += dt;
            else if (prevBelow != nowBelow)
            {
                double f = (crit - _lastCLi) / (cLi - _lastCLi);
                m.TimeBelowCriticalS += nowBelow ? dt * (1 - f) : dt * f;
            }
            if (zone >= Zone.Critical)
                m.StrainDoseS += 0.5 * (epsAniso + _lastEpsAniso) * dt;
        }
        if (cLi < crit && double.IsNaN(m.FirstCrossingTimeS))
        {
            m.FirstCrossingTimeS = s.TimeS;
            m.FirstCrossingStep = s.Step;
            m.FirstCrossingVoltageV = s.VoltageV;
        }
        if (charging && bound <= Config.Cutoff.CLiMin && double.IsNaN(m.CutoffReachedTimeS))
        {
            m.CutoffReachedTimeS = s.TimeS;
            m.CutoffReachedVoltageV = s.VoltageV;
            m.CutoffReachedStep = s.Step;
        }
    }

    /// <summary>Captures the complete state; <see cref="CellTwin(CellConfig, TwinCheckpoint)"/> resumes it exactly.</summary>
    /// <param name="keepCycles">Keep the metrics of at most this many most recent cycles (the open one
    /// included); older cycles are left out of the snapshot. The default keeps every cycle.</param>
    /// <returns>An independent snapshot: later updates do not change it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="keepCycles"/> is below 1.</exception>
    public TwinCheckpoint Checkpoint(int keepCycles = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepCycles, 1);
        return new(Config.CellId, Config.Material.Name, _filter.CountingState, _window.Zone,
            _chargeSeen, _dischargeSeen, _rate, _lastCLi, _lastEpsAniso, [.. _cycles.Skip(Math.Max(0, _cycles.Count - keepCycles)).Select(c => c.Clone())],
            _filter.State);
    }
}
