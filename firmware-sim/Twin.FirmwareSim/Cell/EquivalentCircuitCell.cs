using Twin.Core.Numerics;

namespace Twin.FirmwareSim.Cell;

/// <summary>
/// A lithium-ion cell as electrode lithium bookkeeping plus a one-RC-pair equivalent circuit: the cathode lithium
/// content c_Li and the anode stoichiometry x follow the charge passed; the terminal voltage is
/// V = U_p(c_Li) − U_n(x) + I·R0 + V_RC with the electrode potentials of <see cref="ElectrodeOcv"/>.
/// </summary>
/// <remarks>
/// <para>Sign: I &gt; 0 charges (delithiates the cathode). dc_Li/dt = −I/(3600·Q_p); dx/dt = I·(1 − f)/(3600·Q_n)
/// while charging (f = <see cref="CellParameters.SeiLossFraction"/>: that share of the charge goes into the SEI
/// and is lost), I/(3600·Q_n) while discharging; dV_RC/dt = (I·R1 − V_RC)/(R1·C1), integrated exactly over each
/// sub-step; lumped I²R0 + V_RC²/R1 heating into a thermal RC to ambient.</para>
/// <para>Degradation (<see cref="Degradation"/>): a shuttle current I_sh (<see cref="CellParameters.ShuttleCurrentA"/>)
/// flows inside the cell in parallel with intercalation, so the electrodes move with I − I_sh while the circuit
/// (R0, RC pair, heat) carries the terminal current I; at rest the cell self-discharges by I_sh. Loss of cathode
/// active material (<see cref="CellParameters.ActiveMaterialLossPerCycle"/>, m) shrinks Q_p to Q_p·(1 − m) each time
/// <see cref="Cycle"/> counts up; the c_Li of the material left is unchanged then (<see cref="CathodeCapacityAh"/>
/// gives the Q_p of the moment).</para>
/// <para>Sources: <see cref="SourceMode.Off"/> → I = 0. <see cref="SourceMode.Current"/> → I = Level, unless a
/// charge would take the terminal voltage above Limit: then V is held at Limit and I solved for, clamped to
/// [0, Level] (compliance, like a Keithley 2450). <see cref="SourceMode.Voltage"/> → I solved so that V = Level,
/// clamped to ±Limit (compliance when clamped). Within a sub-step the current is constant and solved implicitly
/// against the end-of-step voltage (OCV linearised in the charge passed), so any step is stable.</para>
/// <para><see cref="Advance"/> sub-steps at ≤ <see cref="MaxSubStepS"/> while a source is on (cost grows linearly
/// with the step: about 0.1 µs per simulated second) and takes a rest (output off) in at most two exact steps. The
/// stoichiometries never leave the OCV tables: a current that would push either electrode past its table end is
/// cut so the electrode stops at the end and <see cref="StoichiometryLimited"/> is set. Not thread-safe
/// (<see cref="CellBench"/> serialises access).</para>
/// </remarks>
public sealed class EquivalentCircuitCell : ISimulatedCell
{
    /// <summary>Longest internal integration sub-step, s.</summary>
    public const double MaxSubStepS = 1.0;

    private readonly Pchip _up;
    private readonly Pchip _un;
    private readonly double _qn, _f, _r0, _r1, _tauRc, _rth, _tauTh, _ambientC, _directionThresholdA;
    private readonly double _cMin, _cMax, _xMin, _xMax;
    private readonly double _shuttleA, _lamPerCycle, _upSlope, _unSlope;

    private double _qp, _maxOcvSlopeVPerAh;
    private double _c, _x, _vrc, _temperatureC, _chargeAh, _lostAh, _shuttleAh, _current, _voltage;
    private int _cycle, _lastDirection;
    private bool _limited;
    private double _cachedH = double.NaN, _eRc, _eTh;

    /// <summary>Creates the cell at the initial state of <paramref name="parameters"/>, at rest.</summary>
    /// <param name="parameters">Cell parameters (validated here).</param>
    /// <param name="ocv">Electrode potentials; default <see cref="ElectrodeOcv.LgM50"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentException">A parameter is invalid (see <see cref="CellParameters.Validate"/>), or an
    /// initial stoichiometry lies outside its OCV table.</exception>
    public EquivalentCircuitCell(CellParameters parameters, ElectrodeOcv? ocv = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        Ocv = ocv ?? ElectrodeOcv.LgM50;
        Parameters = parameters;
        _up = Ocv.Positive;
        _un = Ocv.Negative;
        (_cMin, _cMax, _xMin, _xMax) = (_up.MinX, _up.MaxX, _un.MinX, _un.MaxX);
        if (parameters.InitialCathodeCLi < _cMin || parameters.InitialCathodeCLi > _cMax)
            throw new ArgumentException($"{nameof(CellParameters.InitialCathodeCLi)} = {parameters.InitialCathodeCLi} lies outside the positive OCV table [{_cMin}, {_cMax}]", nameof(parameters));
        if (parameters.InitialAnodeStoichiometry < _xMin || parameters.InitialAnodeStoichiometry > _xMax)
            throw new ArgumentException($"{nameof(CellParameters.InitialAnodeStoichiometry)} = {parameters.InitialAnodeStoichiometry} lies outside the negative OCV table [{_xMin}, {_xMax}]", nameof(parameters));

        _qp = parameters.PositiveCapacityAh;
        _qn = parameters.NegativeCapacityAh;
        _f = parameters.SeiLossFraction;
        _r0 = parameters.R0Ohm;
        _r1 = parameters.R1Ohm;
        _tauRc = parameters.R1Ohm * parameters.C1Farad;
        _rth = parameters.ThermalResistanceKPerW;
        _tauTh = parameters.ThermalResistanceKPerW * parameters.HeatCapacityJPerK;
        _ambientC = parameters.AmbientTemperatureC;
        _directionThresholdA = 1e-4 * parameters.NominalCapacityAh;

        _shuttleA = parameters.ShuttleCurrentA;
        _lamPerCycle = parameters.ActiveMaterialLossPerCycle;
        (_upSlope, _unSlope) = (MaxSlope(_up), MaxSlope(_un));
        _maxOcvSlopeVPerAh = _upSlope / _qp + _unSlope / _qn;

        _c = parameters.InitialCathodeCLi;
        _x = parameters.InitialAnodeStoichiometry;
        _temperatureC = parameters.AmbientTemperatureC;
        _voltage = OpenCircuitVoltageV;
    }

    /// <summary>The parameters the cell was built with.</summary>
    public CellParameters Parameters { get; }

    /// <summary>The electrode potentials used.</summary>
    public ElectrodeOcv Ocv { get; }

    /// <inheritdoc/>
    public double VoltageV => _voltage;

    /// <inheritdoc/>
    public double CurrentA => _current;

    /// <inheritdoc/>
    public double TemperatureC => _temperatureC;

    /// <inheritdoc/>
    public double CathodeCLi => _c;

    /// <summary>Anode lithium stoichiometry x (0 = empty).</summary>
    public double AnodeStoichiometry => _x;

    /// <summary>Voltage across the RC pair, V.</summary>
    public double RcVoltageV => _vrc;

    /// <summary>Open-circuit voltage U_p(c_Li) − U_n(x) of the present state, V.</summary>
    public double OpenCircuitVoltageV => _up.Evaluate(_c) - _un.Evaluate(_x);

    /// <inheritdoc/>
    public double ChargeAh => _chargeAh;

    /// <summary>Lithium lost to the SEI since the start, A·h (f times the intercalation charge passed while charging).</summary>
    public double LithiumLostAh => _lostAh;

    /// <summary>
    /// The cathode's charge per unit c_Li now, A·h: the true Q_Li (Q_p). It starts at
    /// <see cref="CellParameters.PositiveCapacityAh"/> and shrinks by the factor 1 − m per cycle with loss of active
    /// material (<see cref="CellParameters.ActiveMaterialLossPerCycle"/>).
    /// </summary>
    public double CathodeCapacityAh => _qp;

    /// <summary>Charge carried by the shuttle current since the start, A·h (<see cref="CellParameters.ShuttleCurrentA"/>
    /// times the time simulated, less what the table ends stopped): counted at the terminals, never seen by the
    /// cathode.</summary>
    public double ShuttleChargeAh => _shuttleAh;

    /// <inheritdoc/>
    public int Cycle => _cycle;

    /// <summary>Whether the last <see cref="Advance"/> had to cut the current because an electrode reached the end of
    /// its OCV table (the cell model does not extrapolate).</summary>
    public bool StoichiometryLimited => _limited;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtS"/> is negative, infinite or NaN.</exception>
    /// <exception cref="ArgumentException">The setting's level or limit is not finite, or a voltage-mode current
    /// limit is negative.</exception>
    public CellReading Advance(double dtS, SourceSetting setting)
    {
        if (!(dtS >= 0) || double.IsPositiveInfinity(dtS))
            throw new ArgumentOutOfRangeException(nameof(dtS), dtS, "time step must be finite and non-negative");
        CheckSetting(setting);
        _limited = false;
        bool compliance;
        if (dtS == 0)
        {
            compliance = Instantaneous(setting);
        }
        else if (setting.Mode == SourceMode.Off)
        {
            // No current: only the RC voltage and the temperature relax (exactly), so a rest of any length takes
            // two steps: one over which the RC pair discharges (5 τ, its heat released there), then the rest.
            double first = Math.Min(dtS, Math.Max(MaxSubStepS, 5 * _tauRc));
            compliance = Step(first, setting);
            if (dtS > first) compliance = Step(dtS - first, setting);
        }
        else
        {
            long n = (long)Math.Ceiling(dtS / MaxSubStepS);
            double h = dtS / n;
            compliance = false;
            for (long i = 0; i < n; i++) compliance = Step(h, setting);
        }
        _voltage = _up.Evaluate(_c) - _un.Evaluate(_x) + _current * _r0 + _vrc;
        return new CellReading(_voltage, _current, compliance);
    }

    private static void CheckSetting(SourceSetting s)
    {
        if (s.Mode == SourceMode.Off) return;
        if (!double.IsFinite(s.Level) || !double.IsFinite(s.Limit))
            throw new ArgumentException($"source level and limit must be finite, got {s.Level} and {s.Limit}", nameof(s));
        if (s.Mode == SourceMode.Voltage && s.Limit < 0)
            throw new ArgumentException($"the current limit of a voltage source must be ≥ 0 A, got {s.Limit}", nameof(s));
    }

    /// <summary>The current that flows the instant the setting is applied (state unchanged).</summary>
    private bool Instantaneous(SourceSetting s)
    {
        double vFree = _up.Evaluate(_c) - _un.Evaluate(_x) + _vrc;
        (double i, bool compliance) = Solve(s, vFree, _r0, _r0);
        double intercalation = i - _shuttleA;
        if (s.Mode != SourceMode.Off
            && ((intercalation > 0 && (_c <= _cMin || _x >= _xMax)) || (intercalation < 0 && (_c >= _cMax || _x <= _xMin))))
        {
            // at a table end the electrodes take no more charge; on charge the shuttle alone still flows
            _limited = true;
            i = intercalation > 0 ? _shuttleA : 0;
        }
        _current = i;
        return compliance;
    }

    /// <summary>Solves the sub-step current. <paramref name="vFree"/>: end voltage at zero current;
    /// gains: end-voltage change per ampere when charging / discharging (Ω).</summary>
    private static (double I, bool Compliance) Solve(SourceSetting s, double vFree, double gainCharge, double gainDischarge)
    {
        switch (s.Mode)
        {
            case SourceMode.Current:
                if (s.Level > 0 && vFree + s.Level * gainCharge > s.Limit)
                    return (Math.Clamp((s.Limit - vFree) / gainCharge, 0, s.Level), true);
                return (s.Level, false);
            case SourceMode.Voltage:
                double i = (s.Level - vFree) / gainCharge;
                if (i < 0) i = Math.Min(0, (s.Level - vFree) / gainDischarge);
                if (Math.Abs(i) > s.Limit) return (Math.CopySign(s.Limit, i), true);
                return (i, false);
            default:
                return (0, false);
        }
    }

    private bool Step(double h, SourceSetting s)
    {
        if (h != _cachedH)
        {
            _cachedH = h;
            _eRc = Math.Exp(-h / _tauRc);
            _eTh = Math.Exp(-h / _tauTh);
        }
        double e = _eRc;
        double vFree = _up.Evaluate(_c) - _un.Evaluate(_x) + _vrc * e;
        double gain = _r0 + _r1 * (1 - e);
        double i;
        bool compliance = false;
        if (s.Mode == SourceMode.Off || (s.Mode == SourceMode.Current
            && (s.Level <= 0 || vFree + s.Level * (gain + _maxOcvSlopeVPerAh * h / 3600.0) <= s.Limit)))
        {
            // No current, a discharge, or a charge that cannot reach the limit within the sub-step even at the
            // steepest OCV slope: the level flows as set.
            i = s.Mode == SourceMode.Off ? 0 : s.Level;
        }
        else
        {
            // OCV drift per ampere over the sub-step (U_p' ≤ 0, U_n' ≤ 0 so both terms are ≥ 0).
            double dUp = -_up.Derivative(_c) / _qp, dUn = -_un.Derivative(_x) / _qn;
            double k = h / 3600.0;
            double gainCharge = gain + (dUp + dUn * (1 - _f)) * k;
            double gainDischarge = gain + (dUp + dUn) * k;
            // the electrodes move with I − I_sh: the shuttle lowers the OCV drift by I_sh times the drift per ampere
            (i, compliance) = Solve(s, vFree - _shuttleA * (dUp + dUn * (1 - _f)) * k, gainCharge, gainDischarge);
        }
        double wanted = i - _shuttleA;
        double intercalation = LimitToTables(wanted, h);
        // Cut at a table end: on charge the shuttle still flows through the full cell; towards the discharged end
        // nothing drives it any more. With the output off no current leaves the terminals.
        if (s.Mode == SourceMode.Off) i = 0;
        else if (intercalation != wanted) i = wanted > 0 ? intercalation + _shuttleA : intercalation;
        Integrate(i, intercalation, h, e);
        return compliance;
    }

    /// <summary>Upper bound of |dU/dstoichiometry| over a table: the largest knot or mid-interval derivative, with
    /// a factor 2 for the cubic's excursion between them.</summary>
    private static double MaxSlope(Pchip table)
    {
        ReadOnlySpan<double> x = table.KnotX;
        double max = 0;
        for (int k = 0; k < x.Length; k++)
        {
            max = Math.Max(max, Math.Abs(table.Derivative(x[k])));
            if (k + 1 < x.Length) max = Math.Max(max, Math.Abs(table.Derivative(0.5 * (x[k] + x[k + 1]))));
        }
        return 2 * max;
    }

    /// <summary>Cuts the intercalation current so neither electrode passes the end of its OCV table within the
    /// sub-step.</summary>
    private double LimitToTables(double i, double h)
    {
        double perAh = 3600.0 / h; // amperes per A·h passed in the sub-step
        if (i > 0)
        {
            double max = Math.Min((_c - _cMin) * _qp, (_xMax - _x) * _qn / (1 - _f)) * perAh;
            if (i > max) { _limited = true; return Math.Max(0, max); }
        }
        else if (i < 0)
        {
            double max = Math.Min((_cMax - _c) * _qp, (_x - _xMin) * _qn) * perAh;
            if (-i > max) { _limited = true; return -Math.Max(0, max); }
        }
        return i;
    }

    /// <summary>Advances the state over a sub-step: the electrodes with the intercalation current, the circuit and the
    /// heat with the terminal current <paramref name="i"/>.</summary>
    private void Integrate(double i, double intercalation, double h, double e)
    {
        double dq = intercalation * h / 3600.0;
        _c -= dq / _qp;
        if (dq > 0)
        {
            _x += dq * (1 - _f) / _qn;
            _lostAh += dq * _f;
        }
        else
        {
            _x += dq / _qn;
        }
        _chargeAh += i * h / 3600.0;
        _shuttleAh += (i - intercalation) * h / 3600.0;
        if (_limited)
        {
            _c = Math.Clamp(_c, _cMin, _cMax);
            _x = Math.Clamp(_x, _xMin, _xMax);
        }

        // Mean power over the sub-step: I²R0 plus the exact time average of V_RC(t)²/R1 along
        // V_RC(t) = a + b·exp(−t/τ) (so a long rest dissipates at most ½·C1·V_RC² in total).
        double a = i * _r1, b = _vrc - a;
        double rcEnergy = a * a * h + 2 * a * b * _tauRc * (1 - e) + b * b * _tauRc / 2 * (1 - e * e);
        double heatW = i * i * _r0 + rcEnergy / (_r1 * h);
        _vrc = a + b * e;
        double tInf = _ambientC + heatW * _rth;
        _temperatureC = tInf + (_temperatureC - tInf) * _eTh;

        _current = i;
        if (Math.Abs(i) > _directionThresholdA)
        {
            int direction = Math.Sign(i);
            if (direction > 0 && _lastDirection < 0) NextCycle();
            _lastDirection = direction;
        }
    }

    /// <summary>A charge starts after a discharge: count the cycle and lose cathode active material.</summary>
    private void NextCycle()
    {
        _cycle++;
        if (_lamPerCycle == 0) return;
        _qp *= 1 - _lamPerCycle;
        _maxOcvSlopeVPerAh = _upSlope / _qp + _unSlope / _qn;
    }
}
