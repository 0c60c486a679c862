using Twin.Core.Estimation;
using Twin.Core.Samples;

namespace Twin.Core.Tests.Estimation;

/// <summary>
/// A cell cycled at constant current between true lithium contents, whose instrument reports the current with an
/// offset (no charge counter): the truth moves with the trapezoid of the true current, the twin sees the measured
/// current. Measurements of c_Li carry Gaussian noise from a seeded generator.
/// </summary>
internal sealed class SyntheticCell(double qLiTrueAh, double cLi0True, double currentA, double offsetA, double stepS = 60, int seed = 1)
{
    private readonly Random _random = new(seed);
    private double _lastTrueCurrentA;
    private bool _started;

    public double TrueCLi { get; private set; } = cLi0True;

    /// <summary>The true Q_Li, A·h; lowering it between cycles models loss of active material (c_Li per A·h grows).</summary>
    public double QLiTrueAh { get; set; } = qLiTrueAh;

    public double TimeS { get; private set; }

    /// <summary>Charges until the true c_Li reaches <paramref name="cLow"/>.</summary>
    public IEnumerable<CyclerSample> Charge(double cLow) => Run(currentA, StepKind.Charge, () => TrueCLi <= cLow);

    /// <summary>Discharges until the true c_Li reaches <paramref name="cHigh"/>.</summary>
    public IEnumerable<CyclerSample> Discharge(double cHigh) => Run(-currentA, StepKind.Discharge, () => TrueCLi >= cHigh);

    /// <summary>Rests for <paramref name="seconds"/>.</summary>
    public IEnumerable<CyclerSample> Rest(double seconds)
    {
        double end = TimeS + seconds;
        return Run(0, StepKind.Rest, () => TimeS >= end);
    }

    /// <summary>A measurement of the present true c_Li with standard uncertainty <paramref name="sigma"/>.</summary>
    public LithiumMeasurement Measure(double sigma) => new(TimeS, TrueCLi + sigma * Gaussian(), sigma, LithiumMeasurementKind.Diffraction);

    private IEnumerable<CyclerSample> Run(double trueCurrentA, StepKind kind, Func<bool> done)
    {
        int step = kind switch { StepKind.Charge => 1, StepKind.Discharge => 2, _ => 3 };
        if (!_started)
        {
            _started = true;
            _lastTrueCurrentA = trueCurrentA;
            yield return new CyclerSample(TimeS, 3.7, trueCurrentA + offsetA, double.NaN, 0, step, 0, kind);
        }
        while (!done())
        {
            TimeS += stepS;
            TrueCLi -= 0.5 * (_lastTrueCurrentA + trueCurrentA) * stepS / 3600.0 / QLiTrueAh;
            _lastTrueCurrentA = trueCurrentA;
            yield return new CyclerSample(TimeS, 3.7, trueCurrentA + offsetA, double.NaN, 0, step, 0, kind);
        }
    }

    private double Gaussian()
    {
        double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
