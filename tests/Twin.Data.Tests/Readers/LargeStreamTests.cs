using System.Diagnostics;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Xunit.Abstractions;

namespace Twin.Data.Tests.Readers;

/// <summary>Reading is streaming: memory stays bounded whatever the file size.</summary>
public sealed class LargeStreamTests(ITestOutputHelper output)
{
    [Fact]
    public void Five_million_rows_stream_through_with_bounded_memory()
    {
        const long rows = 5_000_000;
        var source = new SyntheticBdfStream(rows);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        long count = 0;
        double charge = 0;
        int lastSegment = -1;
        double lastCounter = 0;
        double peakHeapDuringRead = 0;
        using (CyclerFileReader reader = CyclerFileReader.Open(source, "synthetic.bdf.csv"))
        {
            foreach (CyclerSample sample in reader)
            {
                charge += sample.CounterSegment != lastSegment ? sample.ChargeCounterAh : sample.ChargeCounterAh - lastCounter;
                lastSegment = sample.CounterSegment;
                lastCounter = sample.ChargeCounterAh;
                if (++count % 1_000_000 == 0)
                {
                    peakHeapDuringRead = Math.Max(peakHeapDuringRead, GC.GetTotalMemory(false));
                }
            }

            Assert.Equal(rows, reader.Diagnostics.RowsRead);
        }

        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        output.WriteLine($"{count:N0} rows, {source.BytesProduced / 1e6:F0} MB in {clock.Elapsed.TotalSeconds:F2} s = {count / clock.Elapsed.TotalSeconds / 1e6:F2} M rows/s; allocated {allocated / 1024} KiB; heap {peakHeapDuringRead / 1e6:F1} MB");

        Assert.Equal(rows, count);
        Assert.True(source.BytesProduced > 300_000_000, "the stream should be far larger than the allowed allocation");
        Assert.True(allocated < 8 * 1024 * 1024, $"allocated {allocated} bytes for {count} rows");

        // Equal charge and discharge per cycle, and 5,000,000 = 16,666 whole cycles + 200 rows (a charge step and a rest).
        Assert.Equal(99 * 0.5 * 10 / 3600, charge, 6);
    }
}
