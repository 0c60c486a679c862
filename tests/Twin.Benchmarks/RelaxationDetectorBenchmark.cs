using BenchmarkDotNet.Attributes;
using Twin.Core.RestVoltage;
using Twin.Core.Samples;

namespace Twin.Benchmarks;

/// <summary>
/// One <see cref="RelaxationDetector.Add"/> during a rest: at 1 s sampling most samples only accumulate into a time bin;
/// at 30 s sampling (a Maccor export's rests) every sample closes a bin and refits the 64-bin window — the worst case.
/// </summary>
[MemoryDiagnoser]
public class RelaxationDetectorBenchmark
{
    private const int N = 8192;
    private readonly CyclerSample[] _samples = new CyclerSample[N];
    private RelaxationDetector _detector = null!;
    private double _t;

    /// <summary>Seconds between samples.</summary>
    [Params(1.0, 30.0)]
    public double IntervalS { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _detector = new RelaxationDetector(5.0);
        var rng = new Random(1);
        for (int i = 0; i < N; i++)
            _samples[i] = new CyclerSample(0, 4.17 + 0.03 * Math.Exp(-i * IntervalS / 1200) + 2e-4 * (rng.NextDouble() - 0.5), 0, double.NaN, 0, 6, 1, StepKind.Rest);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "RelaxationDetector.Add during a rest, per sample")]
    public int Add()
    {
        int ended = 0;
        var d = _detector;
        for (int i = 0; i < N; i++)
        {
            _t += IntervalS;
            if (d.Add(_samples[i] with { TimeS = _t }, out _)) ended++;
        }
        return ended;
    }
}
