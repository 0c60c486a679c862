using BenchmarkDotNet.Attributes;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Testing.Cyclers;

namespace Twin.Benchmarks;

/// <summary>
/// Binary reader throughput: the BDF sample repeated 20 times (≈ 424 000 records) written as an EC-Lab 11.50 raw file
/// (<c>.mpr</c>, read as a pipe) and as Neware archives (<c>.ndax</c>, BTS 7 whole records and BTS 8 split tables, read
/// from memory), all in memory. One operation is one sample: samples/s = 1e9 / mean.
/// </summary>
[MemoryDiagnoser]
public class BinaryReaderBenchmark
{
    private const int Repeats = 20;
    private const int RowsPerInvoke = 21206 * Repeats;
    private byte[] _bytes = [];
    private byte[] _bts7 = [], _bts8 = [];
    private CellConfig _cell = null!;

    [GlobalSetup]
    public void Setup()
    {
        (byte[] bdf, _) = BdfInMemory.Build(Repeats);
        List<CyclerSample> samples;
        using (var reader = CyclerFileReader.Open(new MemoryStream(bdf, writable: false), "bdf-x20.csv")) samples = [.. reader];
        if (samples.Count != RowsPerInvoke) throw new InvalidOperationException($"expected {RowsPerInvoke} rows, read {samples.Count}");
        _bytes = EcLabFiles.Mpr(EcLabFiles.FromSamples(samples), MprLayout.Version0Ec1150, new DateTime(2024, 1, 1));
        var ndc = NewareFiles.FromSamples(samples, new DateTime(2024, 1, 1));
        _bts7 = NewareFiles.Ndax(ndc, 5);
        _bts8 = NewareFiles.NdaxSplit(ndc, 17);
        _cell = CellConfig.WithDefaults("bench", MaterialCatalog.Default.Get("NMC811"), 0.05, 0.95);
    }

    [Benchmark(OperationsPerInvoke = RowsPerInvoke, Description = ".mpr reader alone, per sample")]
    public double ReadOnly()
    {
        using var reader = CyclerFileReader.Open(new MemoryStream(_bytes, writable: false), "bdf-x20.mpr");
        double sum = 0;
        foreach (var s in reader) sum += s.VoltageV;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = RowsPerInvoke, Description = ".ndax (BTS 7, layout 5) reader alone, per sample")]
    public double ReadNdaxWhole() => ReadAll(_bts7, "bdf-x20-bts7.ndax");

    [Benchmark(OperationsPerInvoke = RowsPerInvoke, Description = ".ndax (BTS 8 split tables, 17) reader alone, per sample")]
    public double ReadNdaxSplit() => ReadAll(_bts8, "bdf-x20-bts8.ndax");

    private static double ReadAll(byte[] bytes, string name)
    {
        using var reader = CyclerFileReader.Open(new MemoryStream(bytes, writable: false), name);
        double sum = 0;
        foreach (var s in reader) sum += s.VoltageV;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = RowsPerInvoke, Description = ".mpr reader + twin, per sample")]
    public double ReadAndTwin()
    {
        var twin = new CellTwin(_cell);
        using var reader = CyclerFileReader.Open(new MemoryStream(_bytes, writable: false), "bdf-x20.mpr");
        double sum = 0;
        foreach (var s in reader) sum += twin.Update(s).CLi;
        return sum;
    }
}
