using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Testing.Cyclers;

namespace Twin.Data.Tests.Readers;

/// <summary>
/// Neware BTS archives (<c>.ndax</c>) in the two record-table layouts with whole records, built from the LG M50 test:
/// the samples read back are the source's to the table's resolution, and so in BTS 8's split layout (versions 11, 14,
/// 17); pipes, archives without data, unknown versions and unknown current ranges are refused with the reason.
/// </summary>
public sealed class NdaxReaderTests
{
    private static readonly DateTime Start = new(2023, 6, 1, 8, 0, 0);

    private static readonly Lazy<List<CyclerSample>> Source = new(() => TestFiles.ReadAll(TestFiles.Maccor).Samples);

    private static List<NdcRow> Rows(int count = int.MaxValue) => NewareFiles.FromSamples(Source.Value.Take(count), Start);

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void An_archive_reads_as_the_test_it_recorded(int version)
    {
        var (samples, d) = ReadFile(NewareFiles.Ndax(Rows(), version));
        var source = Source.Value;
        Assert.Equal(CyclerFormat.NewareNdax, d.Format);
        Assert.True(d.FormatDetected);
        Assert.Equal(source.Count, samples.Count);
        Assert.Equal(new DateTimeOffset(Start, TimeSpan.Zero), d.StartTime);
        for (int i = 0; i < source.Count; i++)
        {
            CyclerSample s = source[i], n = samples[i];
            Assert.Equal(s.TimeS, n.TimeS, 0.0011);
            Assert.Equal(s.VoltageV, n.VoltageV, 0.00006);
            Assert.Equal(s.CurrentA, n.CurrentA, 0.00006);
            Assert.Equal(s.ChargeCounterAh, n.ChargeCounterAh, 1e-9);
            Assert.Equal((s.Step, s.SourceCycle + 1, s.Kind is StepKind.Other ? StepKind.Unknown : s.Kind), (n.Step, n.SourceCycle, n.Kind)); // Maccor's 'other' state has no Neware code
        }
        // One counter segment per step, as the source's counter restarts each step.
        Assert.Equal(source.Select(s => s.CounterSegment).Distinct().Count(), samples.Select(s => s.CounterSegment).Distinct().Count());
    }

    [Theory]
    [InlineData(11)]
    [InlineData(14)]
    [InlineData(17)]
    public void An_archive_in_the_split_layout_of_bts_8_reads_as_the_test_it_recorded(int version)
    {
        var (samples, d) = ReadFile(NewareFiles.NdaxSplit(Rows(), version));
        var source = Source.Value;
        Assert.Equal(source.Count, samples.Count);
        Assert.Equal(new DateTimeOffset(Start, TimeSpan.Zero), d.StartTime);
        Assert.Contains(d.Notes, n => n.Contains($"split tables data/runInfo/step, versions {version}/{version}/{version}", StringComparison.Ordinal));
        int steps = 1;
        for (int i = 0; i < source.Count; i++)
        {
            CyclerSample s = source[i], n = samples[i];
            if (i > 0 && s.Step != source[i - 1].Step) steps++;
            Assert.Equal(s.TimeS, n.TimeS, 0.0011);
            Assert.Equal(s.VoltageV, n.VoltageV, 2e-6);
            Assert.Equal(s.CurrentA, n.CurrentA, 2e-6);
            Assert.Equal(s.ChargeCounterAh, n.ChargeCounterAh, 2e-6);
            // Steps are numbered in order of appearance (BTS 8 keeps the schedule's step index in the step table).
            Assert.Equal((steps, s.SourceCycle + 1, s.Kind is StepKind.Other ? StepKind.Unknown : s.Kind), (n.Step, n.SourceCycle, n.Kind));
        }
    }

    [Fact]
    public void Records_without_run_information_are_passed_over_and_counted_and_unknown_versions_refused()
    {
        var (samples, d) = ReadFile(NewareFiles.NdaxSplit(Rows(300), 14, new HashSet<uint> { 5, 6, 200 }));
        Assert.Equal(297, samples.Count);
        Assert.Contains(d.Notes, n => n.Contains("3 records of data.ndc have no run information", StringComparison.Ordinal));
        Assert.DoesNotContain(samples, s => double.IsNaN(s.TimeS));

        var table = NewareFiles.Ndc(Rows(10), 5);
        table[2] = 12;
        var e = Assert.Throws<CyclerDataException>(() => ReadFile(Zip(("data.ndc", table))));
        Assert.Contains("version 12 record table", e.Message, StringComparison.Ordinal);
        Assert.Contains("export the test from BTSDA as CSV", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_archive_without_data_ndc_a_pipe_and_a_forced_format_are_refused()
    {
        var none = Assert.Throws<CyclerDataException>(() => ReadFile(Zip(("readme.txt", "hello"u8.ToArray()))));
        Assert.Contains("no data.ndc (it holds readme.txt)", none.Message, StringComparison.Ordinal);

        byte[] bytes = NewareFiles.Ndax(Rows(10), 2);
        var pipe = Assert.Throws<CyclerDataException>(() => CyclerFileReader.Open(new Pipe(bytes), "run.ndax"));
        Assert.Contains("read from a file, not a pipe", pipe.Message, StringComparison.Ordinal);

        var forced = Assert.Throws<CyclerDataException>(() => CyclerFileReader.Open(new MemoryStream(bytes), "run.ndax", new ReaderOptions { Format = CyclerFormat.Neware }));
        Assert.Contains("not a neware export", forced.Message, StringComparison.Ordinal);
        Assert.Equal(CyclerFormat.NewareNdax, CyclerFormatNames.Parse("ndax"));
    }

    [Fact]
    public void An_unknown_current_range_is_a_bad_record_named_by_its_number()
    {
        var table = NewareFiles.Ndc(Rows(10), 2);
        int third = 517 + 2 * 94;
        BitConverter.GetBytes(777).CopyTo(table, third + 82);
        byte[] bytes = Zip(("data.ndc", table));
        var e = Assert.Throws<CyclerDataException>(() => ReadFile(bytes));
        Assert.Contains("data.ndc record 3: current range 777", e.Message, StringComparison.Ordinal);
        var (samples, d) = ReadFile(bytes, new ReaderOptions { Lenient = true });
        Assert.Equal(9, samples.Count);
        Assert.Equal(1, d.RowsSkipped);
    }

    private static (List<CyclerSample> Samples, ReadDiagnostics Diagnostics) ReadFile(byte[] bytes, ReaderOptions? options = null)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ndax-{Guid.NewGuid():N}.ndax");
        File.WriteAllBytes(path, bytes);
        try
        {
            return TestFiles.ReadAll(path, options);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        var ms = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(content);
            }
        }
        return ms.ToArray();
    }

    private sealed class Pipe(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
