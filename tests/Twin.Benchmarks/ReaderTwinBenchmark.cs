using BenchmarkDotNet.Attributes;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Data.Readers;

namespace Twin.Benchmarks;

/// <summary>
/// Reader + twin throughput on the BDF sample repeated 20 times in memory (≈ 424 000 rows). One operation is
/// one sample, so the reported mean is ns per sample: samples/s = 1e9 / mean.
/// </summary>
[MemoryDiagnoser]
public class ReaderTwinBenchmark
{
    private const int Repeats = 20;
    private const int RowsPerInvoke = 21206 * Repeats;
    private byte[] _bytes = [];
    private CellConfig _cell = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_bytes, long rows) = BdfInMemory.Build(Repeats);
        if (rows != RowsPerInvoke) throw new InvalidOperationException($"expected {RowsPerInvoke} rows, built {rows}");
        _cell = CellConfig.WithDefaults("bench", MaterialCatalog.Default.Get("NMC811"), 0.05, 0.95);
    }

    [Benchmark(OperationsPerInvoke = RowsPerInvoke, Description = "BDF reader + twin, per sample")]
    public double ReadAndTwin()
    {
        var twin = new CellTwin(_cell);
        using var reader = CyclerFileReader.Open(new MemoryStream(_bytes, writable: false), "bdf-x20.csv");
        double sum = 0;
        foreach (var s in reader) sum += twin.Update(s).CLi;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = RowsPerInvoke, Description = "BDF reader alone, per sample")]
    public double ReadOnly()
    {
        using var reader = CyclerFileReader.Open(new MemoryStream(_bytes, writable: false), "bdf-x20.csv");
        double sum = 0;
        foreach (var s in reader) sum += s.VoltageV;
        return sum;
    }
}
