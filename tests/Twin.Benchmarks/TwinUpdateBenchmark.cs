using BenchmarkDotNet.Attributes;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.Samples;

namespace Twin.Benchmarks;

/// <summary>One <see cref="CellTwin.Update"/>: estimator, lattice, eqn (1) strains, master curve, zone, cycle metrics, cut-off.</summary>
[MemoryDiagnoser]
public class TwinUpdateBenchmark
{
    private const int N = 4096;
    private readonly CyclerSample[] _samples = new CyclerSample[N];
    private CellTwin _twin = null!;
    private long _t;

    [GlobalSetup]
    public void Setup()
    {
        _twin = new CellTwin(CellConfig.WithDefaults("bench", MaterialCatalog.Default.Get("NMC811"), 1.0, 0.95));
        // A charge sweeping c_Li through every zone, so every branch of the update runs.
        for (int i = 0; i < N; i++)
            _samples[i] = new CyclerSample(i, 3.6 + i * 1e-4, 1.0, double.NaN, 0, 1, 0, StepKind.Charge);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "CellTwin.Update, per sample")]
    public double Update()
    {
        double sum = 0;
        var twin = _twin;
        for (int i = 0; i < N; i++)
        {
            var s = _samples[i];
            sum += twin.Update(s with { TimeS = _t++ * 0.01, CurrentA = (i & 1024) == 0 ? 1.0 : -1.0, Kind = (i & 1024) == 0 ? StepKind.Charge : StepKind.Discharge }).CLi;
        }
        return sum;
    }
}
