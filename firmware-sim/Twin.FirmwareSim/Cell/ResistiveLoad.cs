namespace Twin.FirmwareSim.Cell;

/// <summary>
/// A dummy cell for checking a source-measure unit: an ideal EMF source in series with a resistance, at a fixed
/// temperature — the kind of dummy load a lab builds from a reference supply and a power resistor. It has no
/// electrochemistry: the charge passed is integrated, the lithium content stays at the value given.
/// </summary>
/// <remarks>
/// Terminal voltage V = EMF + I·R (I positive = charge). Source behaviour follows <see cref="SourceSetting"/>:
/// current mode holds I unless V would exceed the voltage limit, then V is held at the limit and
/// I = (limit − EMF)/R; voltage mode gives I = (V − EMF)/R clipped to ±limit, then V = EMF + I·R.
/// Not thread-safe on its own (the <see cref="CellBench"/> serialises access).
/// </remarks>
public sealed class ResistiveLoad : ISimulatedCell
{
    private double _lastSign;

    /// <summary>Creates the load.</summary>
    /// <param name="emfV">Open-circuit voltage, V.</param>
    /// <param name="resistanceOhm">Series resistance, Ω (&gt; 0).</param>
    /// <param name="temperatureC">Fixed temperature, °C.</param>
    /// <param name="cathodeCLi">Reported cathode lithium content (constant; default 0.5).</param>
    /// <exception cref="ArgumentOutOfRangeException">Non-finite EMF, or resistance not positive.</exception>
    public ResistiveLoad(double emfV = 3.7, double resistanceOhm = 1.0, double temperatureC = 25.0, double cathodeCLi = 0.5)
    {
        if (!double.IsFinite(emfV)) throw new ArgumentOutOfRangeException(nameof(emfV), emfV, "EMF must be finite");
        if (!(resistanceOhm > 0) || !double.IsFinite(resistanceOhm)) throw new ArgumentOutOfRangeException(nameof(resistanceOhm), resistanceOhm, "resistance must be positive");
        EmfV = emfV;
        ResistanceOhm = resistanceOhm;
        TemperatureC = temperatureC;
        CathodeCLi = cathodeCLi;
        VoltageV = emfV;
    }

    /// <summary>Open-circuit voltage, V.</summary>
    public double EmfV { get; }

    /// <summary>Series resistance, Ω.</summary>
    public double ResistanceOhm { get; }

    /// <inheritdoc />
    public double VoltageV { get; private set; }

    /// <inheritdoc />
    public double CurrentA { get; private set; }

    /// <inheritdoc />
    public double TemperatureC { get; }

    /// <inheritdoc />
    public double CathodeCLi { get; }

    /// <summary>Infinite: the load's c_Li stays at the value given whatever charge passes, as a cathode of unlimited
    /// capacity would.</summary>
    public double CathodeCapacityAh => double.PositiveInfinity;

    /// <inheritdoc />
    public double ChargeAh { get; private set; }

    /// <inheritdoc />
    public int Cycle { get; private set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtS"/> is negative or not finite.</exception>
    public CellReading Advance(double dtS, SourceSetting setting)
    {
        if (!(dtS >= 0) || !double.IsFinite(dtS)) throw new ArgumentOutOfRangeException(nameof(dtS), dtS, "time step must be finite and ≥ 0");
        // the current held over the interval is the one of the previous setting: integrate it first
        ChargeAh += CurrentA * dtS / 3600.0;
        var (v, i, limited) = Solve(setting);
        double sign = Math.Sign(i);
        if (sign > 0 && _lastSign < 0) Cycle++;
        if (sign != 0) _lastSign = sign;
        VoltageV = v;
        CurrentA = i;
        return new CellReading(v, i, limited);
    }

    private (double V, double I, bool Limited) Solve(SourceSetting s)
    {
        switch (s.Mode)
        {
            case SourceMode.Current:
            {
                double v = EmfV + s.Level * ResistanceOhm;
                if (v > s.Limit) return (s.Limit, (s.Limit - EmfV) / ResistanceOhm, true);
                return (v, s.Level, false);
            }
            case SourceMode.Voltage:
            {
                double i = (s.Level - EmfV) / ResistanceOhm;
                double limit = Math.Abs(s.Limit);
                if (Math.Abs(i) > limit)
                {
                    i = Math.CopySign(limit, i);
                    return (EmfV + i * ResistanceOhm, i, true);
                }
                return (s.Level, i, false);
            }
            default:
                return (EmfV, 0, false);
        }
    }
}
