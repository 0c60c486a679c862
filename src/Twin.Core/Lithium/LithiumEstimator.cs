using Twin.Core.Samples;

namespace Twin.Core.Lithium;

/// <summary>
/// Online cathode lithium content from passed charge (docs/model.md §1):
/// c_Li(t) = c_Li(t0) − Q(t)/Q_Li, with Q positive on charge (delithiation).
/// </summary>
/// <remarks>
/// The source's own charge counter is preferred whenever two consecutive samples carry it within one
/// counter segment (ΔQ = counter difference); on a new segment the counter restarts from zero, so
/// ΔQ = the new counter value. Without a counter the current is integrated with the trapezoidal rule.
/// The estimator allocates nothing per sample.
/// </remarks>
public sealed class LithiumEstimator
{
    private EstimatorState _s;

    /// <summary>Starts a fresh estimate.</summary>
    /// <param name="cLi0">c_Li at the first sample, in (0, 1.2].</param>
    /// <param name="qLiAh">Charge per unit c_Li, A·h, &gt; 0 (e.g. 8.732 for the LG M50 cathode on the normalisation of
    /// Chen et al. 2020, not lithium per formula unit: docs/model.md §1).</param>
    /// <exception cref="ArgumentOutOfRangeException">When either value is out of range.</exception>
    public LithiumEstimator(double cLi0, double qLiAh)
    {
        if (!(cLi0 > 0 && cLi0 <= 1.2)) throw new ArgumentOutOfRangeException(nameof(cLi0), cLi0, "c_Li at the start must lie in (0, 1.2]");
        if (!(qLiAh > 0) || !double.IsFinite(qLiAh)) throw new ArgumentOutOfRangeException(nameof(qLiAh), qLiAh, "Q_Li must be a positive number of A·h");
        _s = new EstimatorState(cLi0, qLiAh, 0, 0, double.NaN, 0, double.NaN, 0);
    }

    /// <summary>Resumes from a saved state.</summary>
    /// <param name="state">State from <see cref="State"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">When the state's c_Li0 or Q_Li is out of range.</exception>
    public LithiumEstimator(EstimatorState state) : this(state.CLi0, state.QLiAh) => _s = state;

    /// <summary>The state to checkpoint; restoring it with the state constructor continues bit for bit.</summary>
    public EstimatorState State => _s;

    /// <summary>Net charge passed since the start, A·h, positive on charge.</summary>
    public double ChargeAh => _s.ChargeAh;

    /// <summary>Current lithium content.</summary>
    public double CLi => _s.CLi0 - _s.ChargeAh / _s.QLiAh;

    /// <summary>Charge passed by the last update, A·h.</summary>
    public double LastDeltaAh { get; private set; }

    /// <summary>Consumes one sample.</summary>
    /// <param name="sample">The sample, with current and counter positive on charge.</param>
    /// <returns>The updated c_Li.</returns>
    public double Update(in CyclerSample sample)
    {
        double dq = 0;
        if (_s.Samples > 0)
        {
            bool haveCounter = sample.HasChargeCounter;
            if (haveCounter && sample.CounterSegment == _s.LastSegment && !double.IsNaN(_s.LastCounterAh))
                dq = sample.ChargeCounterAh - _s.LastCounterAh;
            else if (haveCounter && sample.CounterSegment != _s.LastSegment)
                dq = sample.ChargeCounterAh;
            else
            {
                double dt = sample.TimeS - _s.LastTimeS;
                if (dt > 0) dq = 0.5 * (sample.CurrentA + _s.LastCurrentA) * dt / 3600.0;
            }
        }
        LastDeltaAh = dq;
        _s = new EstimatorState(_s.CLi0, _s.QLiAh, _s.ChargeAh + dq, _s.Samples + 1,
            sample.TimeS, sample.CurrentA, sample.ChargeCounterAh, sample.CounterSegment);
        return CLi;
    }
}
