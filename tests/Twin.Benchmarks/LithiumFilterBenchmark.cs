using BenchmarkDotNet.Attributes;
using Twin.Core.Estimation;
using Twin.Core.Samples;

namespace Twin.Benchmarks;

/// <summary>
/// The c_Li filter alone: one sample (charge counting + covariance propagation + the ring of recent charges), and one
/// measurement update (at the last sample, and 60 s back, placed on the charge counted since).
/// Targets (issue 10): ≤ 200 ns and 0 B per sample.
/// </summary>
[MemoryDiagnoser]
public class LithiumFilterBenchmark
{
    private const int N = 4096;
    private readonly CyclerSample[] _samples = new CyclerSample[N];
    private LithiumFilter _filter = null!;
    private LithiumFilter _observed = null!;
    private double _t;

    [GlobalSetup]
    public void Setup()
    {
        _filter = new LithiumFilter(0.95, 1.0, LithiumFilterSettings.Default);
        for (int i = 0; i < N; i++)
            _samples[i] = new CyclerSample(0, 3.8, (i & 1024) == 0 ? 1.0 : -1.0, double.NaN, 0, 1, 0, (i & 1024) == 0 ? StepKind.Charge : StepKind.Discharge);
        _observed = new LithiumFilter(0.95, 1.0, LithiumFilterSettings.Default);
        for (int i = 0; i < 600; i++) _observed.Update(_samples[0] with { TimeS = i });
    }

    [Benchmark(OperationsPerInvoke = N, Description = "LithiumFilter.Update, per sample")]
    public double Update()
    {
        double sum = 0;
        var filter = _filter;
        for (int i = 0; i < N; i++) sum += filter.Update(_samples[i] with { TimeS = _t += 0.1 });
        return sum;
    }

    // The measurement equals the estimate, so repeated updates keep the mean and only narrow σ: every call runs the
    // full update (innovation, gain, Joseph form).
    [Benchmark(Description = "LithiumFilter.Observe, at the last sample")]
    public double ObserveNow()
    {
        var r = _observed.Observe(new LithiumMeasurement(599, _observed.CLi, 0.005, LithiumMeasurementKind.Diffraction));
        return r.CLiAfter;
    }

    [Benchmark(Description = "LithiumFilter.Observe, 60 s back")]
    public double ObserveBack()
    {
        // 60 samples of 1 A at 1 s: c_Li was higher by (1/60 A·h)/Q_Li then; measured there, the innovation stays ≈ 0.
        double then = _observed.CLi + (1.0 / 60) / _observed.QLiAh;
        var r = _observed.Observe(new LithiumMeasurement(539, then, 0.005, LithiumMeasurementKind.Diffraction));
        return r.CLiAfter;
    }
}
