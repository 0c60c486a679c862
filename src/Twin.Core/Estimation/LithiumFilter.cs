using Twin.Core.Lithium;
using Twin.Core.Samples;

namespace Twin.Core.Estimation;

/// <summary>
/// Kalman filter for the cathode lithium content (docs/model.md, "Estimator"). State x = [c_Li, u, β, c_Li0] with
/// u = 1/Q_Li,eff (Q_Li times the current gain, 1/(A·h)) and β = u·b/3600 (b the current offset, A; β in 1/s). Each
/// sample's counted charge ΔQ (from <see cref="LithiumEstimator"/>: the source's counter within a segment, else the
/// trapezoidal current) and time step Δt drive c_Li' = c_Li − u·ΔQ + β·Δt, which is linear in x: a linear Kalman
/// filter on the augmented state, exact for this model. <see cref="Observe"/> applies an independent measurement of
/// c_Li with an innovation gate.
/// </summary>
/// <remarks>
/// Without measurements the estimate is the counted c_Li0 − Q/Q_Li bit for bit, and σ grows with the net charge
/// passed (Q_Li and gain uncertainty), with the charge throughput (Q_Li random walk) and with time (offset
/// uncertainty and its random walk). <see cref="Update"/> allocates nothing. Not thread-safe.
/// </remarks>
public sealed class LithiumFilter
{
    private readonly LithiumEstimator _counter;
    private readonly ChargeHistory _history = new();
    private readonly LithiumFilterSettings _settings;
    private readonly double _offsetWalkA;

    /// <summary>Seconds per hour: β = u·b/3600 turns an offset in A into a drift of c_Li per second.</summary>
    private const double SecondsPerHour = 3600.0;

    // Process noise per unit input, cached for the present u: Var(Δu) per A·h of |ΔQ|, Var(Δβ) per s.
    private double _uVarPerAh;
    private double _betaVarPerS;

    // Mean, c_Li in deferred form (see LithiumFilterState).
    private double _cAnchor;
    private double _qAnchor;
    private double _tau;
    private double _tauAnchor;
    private double _qLi;
    private double _beta;
    private double _cLi0;

    // Covariance, upper triangle of the symmetric 4 × 4 P.
    private double _p00, _p01, _p02, _p03, _p11, _p12, _p13, _p22, _p23, _p33;

    private long _applied;
    private long _gated;

    // Prior means in force (the experiment file's, or an operator's since): ChangePrior shifts the state by their change.
    private double _priorCLi0;
    private double _priorQLi;

    /// <summary>Starts a fresh filter at the priors.</summary>
    /// <param name="cLi0">c_Li at the first sample, in (0, 1.2].</param>
    /// <param name="qLiAh">Charge per unit c_Li, A·h, &gt; 0.</param>
    /// <param name="settings">Priors and noise; validated.</param>
    /// <exception cref="ArgumentOutOfRangeException">When c_Li0 or Q_Li is out of range.</exception>
    /// <exception cref="ArgumentException">When a setting is invalid.</exception>
    public LithiumFilter(double cLi0, double qLiAh, LithiumFilterSettings settings)
        : this(new LithiumEstimator(cLi0, qLiAh), settings)
    {
        StartFromPriors(0, 0);
    }

    /// <summary>Resumes a filter: from its saved state, or, for a checkpoint written before the filter existed, from the
    /// priors propagated over the charge counted so far and the time the checkpoint covers.</summary>
    /// <param name="counting">The charge counter's saved state.</param>
    /// <param name="saved">The filter's saved state, or null.</param>
    /// <param name="settings">Priors and noise; validated.</param>
    /// <param name="elapsedHintS">Without <paramref name="saved"/>: the sample time already covered, s (0 when unknown).</param>
    /// <exception cref="ArgumentOutOfRangeException">When the counter state's c_Li0 or Q_Li is out of range.</exception>
    /// <exception cref="ArgumentException">When a setting is invalid or the saved Q_Li is not positive.</exception>
    public LithiumFilter(EstimatorState counting, LithiumFilterState? saved, LithiumFilterSettings settings, double elapsedHintS = 0)
        : this(new LithiumEstimator(counting), settings)
    {
        if (saved is LithiumFilterState f)
        {
            if (!(f.QLiAh > 0) || !double.IsFinite(f.QLiAh)) throw new ArgumentException($"the saved filter's Q_Li must be a positive number of A·h, got {f.QLiAh}");
            (_cAnchor, _qAnchor, _tau, _tauAnchor, _qLi, _beta, _cLi0) = (f.CLiAnchor, f.ChargeAnchorAh, f.ElapsedS, f.ElapsedAnchorS, f.QLiAh, f.OffsetRatePerS, f.CLi0);
            (_p00, _p01, _p02, _p03, _p11, _p12, _p13, _p22, _p23, _p33) = (f.P00, f.P01, f.P02, f.P03, f.P11, f.P12, f.P13, f.P22, f.P23, f.P33);
            (_applied, _gated) = (f.Applied, f.Gated);
            _priorCLi0 = f.PriorCLi0 > 0 ? f.PriorCLi0 : counting.CLi0;
            _priorQLi = f.PriorQLiAh > 0 ? f.PriorQLiAh : counting.QLiAh;
            CacheNoise();
        }
        else StartFromPriors(counting.ChargeAh, double.IsFinite(elapsedHintS) && elapsedHintS > 0 ? elapsedHintS : 0);
        if (counting.Samples > 0) _history.Add(counting.LastTimeS, counting.ChargeAh);
    }

    private LithiumFilter(LithiumEstimator counter, LithiumFilterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _counter = counter;
        _settings = settings;
        _offsetWalkA = settings.OffsetRandomWalk(counter.State.QLiAh);
    }

    /// <summary>The priors and noise.</summary>
    public LithiumFilterSettings Settings => _settings;

    /// <summary>Estimated c_Li at the last sample.</summary>
    public double CLi
    {
        get
        {
            double c = _cAnchor - (_counter.ChargeAh - _qAnchor) / _qLi;
            if (_beta != 0) c += _beta * (_tau - _tauAnchor);
            return c;
        }
    }

    /// <summary>Standard deviation of <see cref="CLi"/>.</summary>
    public double Sigma => Math.Sqrt(Math.Max(0, _p00));

    /// <summary>Lower confidence bound c_Li − k·σ, k = <see cref="LithiumFilterSettings.BoundSigmas"/>.</summary>
    public double LowerBound => CLi - _settings.BoundSigmas * Sigma;

    /// <summary>c_Li from charge counting alone, c_Li0 − Q/Q_Li with the configured values.</summary>
    public double CountedCLi => _counter.CLi;

    /// <summary>Net counted charge since the start, A·h, positive on charge.</summary>
    public double ChargeAh => _counter.ChargeAh;

    /// <summary>Counted charge of the last sample, A·h.</summary>
    public double LastDeltaAh => _counter.LastDeltaAh;

    /// <summary>The charge counter's state (for the checkpoint and the service's counter continuity).</summary>
    public EstimatorState CountingState => _counter.State;

    /// <summary>Estimated effective Q_Li (Q_Li times the current gain; the two are indistinguishable), A·h.</summary>
    public double QLiAh => _qLi;

    /// <summary>Standard deviation of <see cref="QLiAh"/>, A·h (first order: Q_Li² · σ_u).</summary>
    public double QLiSigmaAh => _qLi * _qLi * Math.Sqrt(Math.Max(0, _p11));

    /// <summary>Estimated current offset b (measured − true current), A.</summary>
    public double CurrentOffsetA => _beta * _qLi * SecondsPerHour;

    /// <summary>Standard deviation of <see cref="CurrentOffsetA"/>, A (first order in u and β).</summary>
    public double CurrentOffsetSigmaA
    {
        get
        {
            // b = 3600·β/u: ∂b/∂β = 3600·Q, ∂b/∂u = −3600·β·Q².
            double q = _qLi, q2 = q * q;
            double v = q2 * _p22 + _beta * _beta * q2 * q2 * _p11 - 2 * _beta * q2 * q * _p12;
            return SecondsPerHour * Math.Sqrt(Math.Max(0, v));
        }
    }

    /// <summary>Estimated c_Li0 at the first sample, refined by the measurements.</summary>
    public double CLi0 => _cLi0;

    /// <summary>Standard deviation of <see cref="CLi0"/>.</summary>
    public double CLi0Sigma => Math.Sqrt(Math.Max(0, _p33));

    /// <summary>Sample time counted by the filter since its first sample, s (the τ the offset acts over).</summary>
    public double ElapsedS => _tau;

    /// <summary>The prior mean of c_Li0 in force (the configured value, or the last <see cref="ChangePrior"/>).</summary>
    public double PriorCLi0 => _priorCLi0;

    /// <summary>The prior mean of Q_Li in force, A·h (the configured value, or the last <see cref="ChangePrior"/>).</summary>
    public double PriorQLiAh => _priorQLi;

    /// <summary>Measurements applied so far (gated ones applied with inflated variance included).</summary>
    public long MeasurementsApplied => _applied;

    /// <summary>Measurements gated so far.</summary>
    public long MeasurementsGated => _gated;

    /// <summary>The state to checkpoint, with <see cref="CountingState"/>; the resume constructor continues bit for bit.</summary>
    public LithiumFilterState State => new(_cAnchor, _qAnchor, _tau, _tauAnchor, _qLi, _beta, _cLi0,
        _p00, _p01, _p02, _p03, _p11, _p12, _p13, _p22, _p23, _p33, _applied, _gated, _priorCLi0, _priorQLi);

    /// <summary>Consumes one sample: counts its charge and propagates the covariance.</summary>
    /// <param name="sample">The sample, current and counter positive on charge.</param>
    /// <returns>The estimated c_Li after it.</returns>
    public double Update(in CyclerSample sample)
    {
        var before = _counter.State;
        _counter.Update(sample);
        double dq = _counter.LastDeltaAh;
        double dt = before.Samples > 0 ? sample.TimeS - before.LastTimeS : 0;
        if (!(dt > 0)) dt = 0;
        Propagate(dq, dt);
        _tau += dt;
        _history.Add(sample.TimeS, _counter.ChargeAh);
        return CLi;
    }

    private void Propagate(double dq, double dt)
    {
        // P ← F P Fᵀ + Q with F = I except row 0 = [1, −ΔQ, Δt, 0]; only row/column 0 of P changes through F.
        double a = -dq, b = dt;
        double p01 = _p01, p02 = _p02, p11 = _p11, p12 = _p12, p22 = _p22;
        _p00 += 2 * (a * p01 + b * p02) + a * a * p11 + 2 * a * b * p12 + b * b * p22;
        _p01 = p01 + a * p11 + b * p12;
        _p02 = p02 + a * p12 + b * p22;
        _p03 += a * _p13 + b * _p23;
        _p11 += _uVarPerAh * Math.Abs(dq);
        _p22 += _betaVarPerS * dt;
    }

    /// <summary>
    /// Applies an independent measurement of c_Li. A measurement from before the last sample is placed on the charge
    /// counted since (from a ring of recent samples); one whose innovation exceeds the gate is reported and, by
    /// <see cref="LithiumFilterSettings.Gate"/>, applied with inflated variance or rejected. Allocates nothing.
    /// </summary>
    /// <param name="m">The measurement.</param>
    /// <returns>What was done, with the innovation.</returns>
    public LithiumUpdate Observe(in LithiumMeasurement m) => Apply(m, gate: true);

    /// <summary>
    /// Applies an operator's value of c_Li at the last sample as a measurement with its σ, without the innovation gate:
    /// the operator decides (the result still reports the innovation and its distance d, for the audit). Zero σ is not
    /// accepted (a measurement needs a positive variance); a very small one pins c_Li. Allocates nothing.
    /// </summary>
    /// <param name="cLi">c_Li, in [0, 1.2] (the range of c_Li0 in <see cref="Cells.CellConfig"/>).</param>
    /// <param name="sigma">Its standard uncertainty, finite and &gt; 0.</param>
    /// <returns>What was done, with the innovation (status <see cref="LithiumUpdateStatus.Applied"/>, or
    /// <see cref="LithiumUpdateStatus.Diverged"/> when the update would leave the state invalid: nothing changes then).</returns>
    /// <exception cref="ArgumentOutOfRangeException">c_Li outside [0, 1.2] or σ not a finite number &gt; 0; the message names it.</exception>
    public LithiumUpdate Correct(double cLi, double sigma)
    {
        if (!(cLi >= 0 && cLi <= MaxCLi)) throw new ArgumentOutOfRangeException(nameof(cLi), cLi, $"c_Li must lie in [0, {MaxCLi}]");
        if (!(sigma > 0) || !double.IsFinite(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ of c_Li must be a finite number > 0");
        var counted = _counter.State;
        return Apply(new LithiumMeasurement(counted.Samples > 0 ? counted.LastTimeS : 0, cLi, sigma, LithiumMeasurementKind.Operator), gate: false);
    }

    /// <summary>Largest c_Li or c_Li0 a correction may set: the upper end of c_Li0 in <see cref="Cells.CellConfig"/>.</summary>
    public const double MaxCLi = 1.2;

    /// <summary>
    /// Changes the prior mean of c_Li0 or Q_Li (a corrected value in the experiment file, or an operator's) and moves the
    /// estimate to what the filter would hold had it started from that prior: the posterior mean of a linear Gaussian
    /// filter is linear in the prior mean, with slope Cov_post(x, p₀)/Var_prior(p₀), so every state moves by
    /// P[·, p]/Var_prior(p) times the change. For c_Li0, a state without process noise, this is exact; for Q_Li (in u =
    /// 1/Q_Li, which wanders as a random walk) it is exact to first order in that walk. With counting only it is the
    /// recount c_Li0' − Q/Q_Li'. The covariance does not change (a prior's mean does not enter it). With a zero prior σ
    /// the counting form is used. Allocates nothing.
    /// </summary>
    /// <param name="parameter">c_Li0 or Q_Li.</param>
    /// <param name="value">The new prior mean: c_Li0 in (0, 1.2], Q_Li a finite number of A·h &gt; 0.</param>
    /// <returns>The change: prior before and after, c_Li before and after.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range, or the parameter undefined; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The shifted state would be invalid (Q_Li not positive, or not finite); nothing changes.</exception>
    public PriorChange ChangePrior(LithiumPrior parameter, double value)
    {
        double cBefore = CLi;
        double before, delta, priorVar;
        int j;
        Span<double> fallback = stackalloc double[4];
        switch (parameter)
        {
            case LithiumPrior.CLi0:
                if (!(value > 0 && value <= MaxCLi)) throw new ArgumentOutOfRangeException(nameof(value), value, $"c_li0 must lie in (0, {MaxCLi}]");
                (before, j, delta) = (_priorCLi0, 3, value - _priorCLi0);
                priorVar = _settings.CLi0Sigma * _settings.CLi0Sigma;
                fallback[0] = 1;
                fallback[3] = 1;
                break;
            case LithiumPrior.QLi:
                if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "q_li_Ah must be a finite number of A·h > 0");
                double u0 = 1.0 / _priorQLi;
                (before, j, delta) = (_priorQLi, 1, 1.0 / value - u0);
                priorVar = u0 * u0 * (_settings.QLiRelativeSigma * _settings.QLiRelativeSigma + _settings.CurrentGainRelativeSigma * _settings.CurrentGainRelativeSigma);
                fallback[0] = -_counter.ChargeAh;
                fallback[1] = 1;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(parameter), parameter, "expected c_li0 or q_li_Ah");
        }
        Span<double> p = [_p00, _p01, _p02, _p03, _p01, _p11, _p12, _p13, _p02, _p12, _p22, _p23, _p03, _p13, _p23, _p33];
        Span<double> x = [cBefore, 1.0 / _qLi, _beta, _cLi0];
        for (int i = 0; i < 4; i++) x[i] += (priorVar > 0 ? p[i * 4 + j] / priorVar : fallback[i]) * delta;
        if (!(x[1] > 0) || !AllFinite(x))
            throw new InvalidOperationException($"changing the prior of {parameter.Name()} from {before} to {value} would leave the estimate invalid (Q_Li {1.0 / x[1]}, c_Li {x[0]})");
        SetMean(x, _counter.ChargeAh);
        if (parameter == LithiumPrior.CLi0) _priorCLi0 = value;
        else _priorQLi = value;
        return new(parameter, before, value, cBefore, CLi, Sigma);
    }

    private void SetMean(ReadOnlySpan<double> x, double chargeAh)
    {
        _cAnchor = x[0];
        _qAnchor = chargeAh;
        _tauAnchor = _tau;
        _qLi = 1.0 / x[1];
        _beta = x[2];
        _cLi0 = x[3];
        CacheNoise();
    }

    private LithiumUpdate Apply(in LithiumMeasurement m, bool gate)
    {
        double cBefore = CLi, sBefore = Sigma;
        if (!m.IsUsable) return NotPlaced(LithiumUpdateStatus.Unusable, m, cBefore, sBefore);

        // H = [1, h1, h2, 0]: c_Li(t_m) = c_Li − u·(Q(t_m) − Q) + β·(τ(t_m) − τ) = c_Li + u·h1 + β·h2.
        double h1 = 0, h2 = 0;
        var counted = _counter.State;
        if (counted.Samples > 0)
        {
            if (m.TimeS > counted.LastTimeS) return NotPlaced(LithiumUpdateStatus.AheadOfSamples, m, cBefore, sBefore);
            if (!_history.TryChargeAt(m.TimeS, counted.LastTimeS, counted.ChargeAh, out double qAt))
                return NotPlaced(LithiumUpdateStatus.TooOld, m, cBefore, sBefore);
            h1 = counted.ChargeAh - qAt;
            h2 = -(counted.LastTimeS - m.TimeS);
        }

        double u = 1.0 / _qLi;
        double predicted = cBefore + h1 * u + h2 * _beta;
        double ph0 = _p00 + h1 * _p01 + h2 * _p02;
        double ph1 = _p01 + h1 * _p11 + h2 * _p12;
        double ph2 = _p02 + h1 * _p12 + h2 * _p22;
        double ph3 = _p03 + h1 * _p13 + h2 * _p23;
        double hph = Math.Max(0, ph0 + h1 * ph1 + h2 * ph2);
        double r = m.Sigma * m.Sigma;
        double s = hph + r;
        double nu = m.CLi - predicted;
        double d = nu / Math.Sqrt(s);
        var status = LithiumUpdateStatus.Applied;
        if (gate && Math.Abs(d) > _settings.GateSigmas)
        {
            _gated++;
            if (_settings.Gate == GatePolicy.Reject)
                return new(LithiumUpdateStatus.GatedRejected, m, predicted, Math.Sqrt(s), d, cBefore, sBefore, cBefore, sBefore);
            status = LithiumUpdateStatus.GatedInflated;
            double k = _settings.GateSigmas;
            r = nu * nu / (k * k) - hph; // inflated until |ν|/√S = k
        }
        double sUsed = hph + r;

        Span<double> gain = [ph0 / sUsed, ph1 / sUsed, ph2 / sUsed, ph3 / sUsed];
        Span<double> h = [1, h1, h2, 0];
        Span<double> x = [cBefore + gain[0] * nu, u + gain[1] * nu, _beta + gain[2] * nu, _cLi0 + gain[3] * nu];
        Span<double> p = stackalloc double[16];
        JosephUpdate(p, gain, h, r);
        if (!(x[1] > 0) || !AllFinite(x) || !AllFinite(p) || p[0] < 0)
            return new(LithiumUpdateStatus.Diverged, m, predicted, Math.Sqrt(s), d, cBefore, sBefore, cBefore, sBefore);

        (_p00, _p01, _p02, _p03) = (p[0], p[1], p[2], p[3]);
        (_p11, _p12, _p13) = (p[5], p[6], p[7]);
        (_p22, _p23) = (p[10], p[11]);
        _p33 = p[15];
        _applied++;
        SetMean(x, counted.ChargeAh);
        return new(status, m, predicted, Math.Sqrt(s), d, cBefore, sBefore, CLi, Sigma);
    }

    /// <summary>P ← (I − K H) P (I − K H)ᵀ + K r Kᵀ (Joseph form: stays symmetric and positive semi-definite).</summary>
    private void JosephUpdate(Span<double> result, ReadOnlySpan<double> gain, ReadOnlySpan<double> h, double r)
    {
        Span<double> p = [_p00, _p01, _p02, _p03, _p01, _p11, _p12, _p13, _p02, _p12, _p22, _p23, _p03, _p13, _p23, _p33];
        Span<double> a = stackalloc double[16];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                a[i * 4 + j] = (i == j ? 1 : 0) - gain[i] * h[j];
        Span<double> ap = stackalloc double[16];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                double sum = 0;
                for (int k = 0; k < 4; k++) sum += a[i * 4 + k] * p[k * 4 + j];
                ap[i * 4 + j] = sum;
            }
        for (int i = 0; i < 4; i++)
            for (int j = i; j < 4; j++)
            {
                double sum = gain[i] * r * gain[j];
                for (int k = 0; k < 4; k++) sum += ap[i * 4 + k] * a[j * 4 + k];
                result[i * 4 + j] = sum;
                result[j * 4 + i] = sum;
            }
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (double d in v) if (!double.IsFinite(d)) return false;
        return true;
    }

    private static LithiumUpdate NotPlaced(LithiumUpdateStatus status, in LithiumMeasurement m, double c, double sigma) =>
        new(status, m, double.NaN, double.NaN, double.NaN, c, sigma, c, sigma);

    /// <summary>Mean at the configured c_Li0 and Q_Li, β = 0; covariance of the priors propagated over a net counted
    /// charge and an elapsed time with the parameters held fixed: c_Li = c_Li0 − u·Q + β·τ.</summary>
    private void StartFromPriors(double chargeAh, double elapsedS)
    {
        var c = _counter.State;
        (_cAnchor, _qAnchor, _qLi, _beta, _cLi0) = (c.CLi0, 0, c.QLiAh, 0, c.CLi0);
        (_priorCLi0, _priorQLi) = (c.CLi0, c.QLiAh);
        (_tau, _tauAnchor) = (elapsedS, 0);
        double u = 1.0 / c.QLiAh;
        double varC0 = _settings.CLi0Sigma * _settings.CLi0Sigma;
        double relU = _settings.QLiRelativeSigma * _settings.QLiRelativeSigma + _settings.CurrentGainRelativeSigma * _settings.CurrentGainRelativeSigma;
        double varU = u * u * relU;
        double sb = u * _settings.OffsetSigmaA(c.QLiAh) / SecondsPerHour;
        double varB = sb * sb;
        _p00 = varC0 + chargeAh * chargeAh * varU + elapsedS * elapsedS * varB;
        _p01 = -chargeAh * varU;
        _p02 = elapsedS * varB;
        _p03 = varC0;
        _p11 = varU;
        _p12 = 0;
        _p13 = 0;
        _p22 = varB;
        _p23 = 0;
        _p33 = varC0;
        CacheNoise();
    }

    private void CacheNoise()
    {
        double u = 1.0 / _qLi;
        double d = _settings.QLiDriftRelativePerSqrtCLi * u;
        _uVarPerAh = d * d * u; // Var(Δu) = (drift·u)² · |ΔQ|·u (throughput in units of c_Li)
        double w = u * _offsetWalkA / SecondsPerHour;
        _betaVarPerS = w * w;
    }
}
