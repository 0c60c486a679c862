namespace Twin.Core.Estimation;

/// <summary>
/// Everything the c_Li filter holds beyond charge counting, to resume bit for bit: the mean of the state
/// x = [c_Li, u, β, c_Li0] (u = 1/Q_Li,eff in 1/(A·h), β = u·b/3600 in 1/s with b the current offset in A) and its
/// covariance P (upper triangle, indices in that order). Serialises to JSON with <see cref="Cells.TwinJsonContext"/>;
/// doubles round-trip bit for bit.
/// </summary>
/// <remarks>
/// The mean of c_Li is kept in deferred form: c_Li = <paramref name="CLiAnchor"/> − (Q − <paramref name="ChargeAnchorAh"/>)
/// / <paramref name="QLiAh"/> + <paramref name="OffsetRatePerS"/> · (τ − <paramref name="ElapsedAnchorS"/>), with Q the
/// counted charge and τ the elapsed sample time; the anchors move only when a measurement is applied, so without
/// measurements c_Li is the counted c_Li0 − Q/Q_Li exactly.
/// </remarks>
/// <param name="CLiAnchor">c_Li at the last applied measurement (c_Li0 before any).</param>
/// <param name="ChargeAnchorAh">Counted charge at the last applied measurement, A·h.</param>
/// <param name="ElapsedS">Elapsed sample time τ: the sum of the positive time steps since the first sample, s.</param>
/// <param name="ElapsedAnchorS">τ at the last applied measurement, s.</param>
/// <param name="QLiAh">Estimated effective Q_Li = 1/u, A·h per unit c_Li (Q_Li times the current gain).</param>
/// <param name="OffsetRatePerS">Estimated β = u·b/3600, the drift of c_Li the current offset causes, 1/s.</param>
/// <param name="CLi0">Estimated c_Li0 (smoothed: measurements refine it through its covariance with c_Li).</param>
/// <param name="P00">Var(c_Li).</param>
/// <param name="P01">Cov(c_Li, u).</param>
/// <param name="P02">Cov(c_Li, β).</param>
/// <param name="P03">Cov(c_Li, c_Li0).</param>
/// <param name="P11">Var(u).</param>
/// <param name="P12">Cov(u, β).</param>
/// <param name="P13">Cov(u, c_Li0).</param>
/// <param name="P22">Var(β).</param>
/// <param name="P23">Cov(β, c_Li0).</param>
/// <param name="P33">Var(c_Li0).</param>
/// <param name="Applied">Measurements applied (gated ones applied with inflated variance included).</param>
/// <param name="Gated">Measurements whose innovation lay beyond the gate.</param>
/// <param name="PriorCLi0">The prior mean of c_Li0 in force (the experiment file's, or an operator's since); 0 in a
/// checkpoint written before priors could change: then the charge counter's c_Li0.</param>
/// <param name="PriorQLiAh">The prior mean of Q_Li in force, A·h; 0 in an older checkpoint: then the counter's Q_Li.</param>
public readonly record struct LithiumFilterState(
    double CLiAnchor,
    double ChargeAnchorAh,
    double ElapsedS,
    double ElapsedAnchorS,
    double QLiAh,
    double OffsetRatePerS,
    double CLi0,
    double P00,
    double P01,
    double P02,
    double P03,
    double P11,
    double P12,
    double P13,
    double P22,
    double P23,
    double P33,
    long Applied,
    long Gated,
    double PriorCLi0 = 0,
    double PriorQLiAh = 0);
