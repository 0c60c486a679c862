using System.Buffers.Binary;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Testing.Cyclers;

namespace Twin.Data.Tests.Readers;

/// <summary>
/// EC-Lab's binary raw file (<c>.mpr</c>) against the text export of the same records (<c>.mpt</c>), in each data-module
/// layout EC-Lab has written, built from the LG M50 test; and what the reader says about damaged and unknown files.
/// </summary>
public sealed class MprReaderTests
{
    private static readonly DateTime Start = new(2024, 3, 5, 14, 7, 31, 250);

    private static readonly Lazy<List<EcLabRow>> LgM50 = new(() =>
    {
        using var reader = CyclerFileReader.Open(TestFiles.Maccor);
        return EcLabFiles.FromSamples(reader);
    });

    [Theory]
    [InlineData(MprLayout.Version2)]
    [InlineData(MprLayout.Version3)]
    [InlineData(MprLayout.Version0)]
    [InlineData(MprLayout.Version0Ec1150)]
    public void A_raw_file_reads_as_its_text_export(MprLayout layout)
    {
        var rows = LgM50.Value;
        string path = Path.Combine(Path.GetTempPath(), $"lg-{Guid.NewGuid():N}.mpr");
        File.WriteAllBytes(path, EcLabFiles.Mpr(rows, layout, Start));
        List<CyclerSample> binary;
        ReadDiagnostics bd;
        try
        {
            (binary, bd) = TestFiles.ReadAll(path);
        }
        finally
        {
            File.Delete(path);
        }
        var (text, td) = TestFiles.ReadText(EcLabFiles.Mpt(rows, Start), "lg.mpt");

        Assert.Equal(CyclerFormat.BioLogicMpr, bd.Format);
        Assert.True(bd.FormatDetected);
        Assert.Equal(rows.Count, binary.Count);
        Assert.Equal(text.Count, binary.Count);
        Assert.Equal(td.StartTime!.Value, bd.StartTime!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Contains("(Q-Qo)/mA.h", bd.Columns);
        for (int i = 0; i < text.Count; i++)
        {
            CyclerSample b = binary[i], t = text[i];
            Assert.Equal(t.TimeS, b.TimeS, 9);
            Assert.Equal(t.VoltageV, b.VoltageV, 1.2e-7 * Math.Abs(t.VoltageV));
            Assert.Equal(t.CurrentA, b.CurrentA, 1.2e-7 * Math.Abs(t.CurrentA)); // I/mA is stored as single: within one unit of its 24-bit mantissa
            Assert.Equal(t.ChargeCounterAh, b.ChargeCounterAh, 12);
            Assert.Equal((t.Step, t.SourceCycle, t.Kind, t.CounterSegment), (b.Step, b.SourceCycle, b.Kind, b.CounterSegment));
        }
        Assert.Contains(binary, s => s.Kind == StepKind.Charge);
        Assert.Contains(binary, s => s.Kind == StepKind.Discharge);
        Assert.Contains(binary, s => s.Kind == StepKind.Rest);
    }

    [Fact]
    public void Read_from_disk_the_start_comes_from_the_log_module_and_from_a_pipe_it_is_named_as_unknown()
    {
        byte[] bytes = EcLabFiles.Mpr(LgM50.Value.Take(50).ToList(), MprLayout.Version3, Start);
        string path = Path.Combine(Path.GetTempPath(), $"mpr-{Guid.NewGuid():N}.mpr");
        try
        {
            File.WriteAllBytes(path, bytes);
            var (samples, disk) = TestFiles.ReadAll(path);
            Assert.Equal(50, samples.Count);
            Assert.Equal(new DateTimeOffset(Start, TimeSpan.Zero), disk.StartTime!.Value, TimeSpan.FromMilliseconds(1));
        }
        finally
        {
            File.Delete(path);
        }
        var (piped, d) = Read(bytes, "piped.mpr");
        Assert.Equal(50, piped.Count);
        Assert.Null(d.StartTime);
        Assert.Contains(d.Notes, n => n.Contains("no acquisition start time", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_column_id_is_named_with_the_column_before_it()
    {
        byte[] bytes = EcLabFiles.Mpr(LgM50.Value.Take(5).ToList(), MprLayout.Version2, Start);
        int ids = EcLabFiles.DataModuleOffset(MprLayout.Version2) + 57 + 5;
        int index = Array.IndexOf(EcLabFiles.ColumnIds, 13);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(ids + 2 * index), 999);
        var e = Assert.Throws<CyclerDataException>(() => Read(bytes, "odd.mpr"));
        Assert.Contains("unknown column id 999 after column 'I/mA'", e.Message, StringComparison.Ordinal);
        Assert.Contains("odd.mpr", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_data_module_version_and_a_file_cut_inside_its_records_are_refused_with_the_reason()
    {
        byte[] bytes = EcLabFiles.Mpr(LgM50.Value.Take(20).ToList(), MprLayout.Version2, Start, withLog: false);
        byte[] version = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(version.AsSpan(EcLabFiles.DataModuleOffset(MprLayout.Version2) + 6 + 35 + 4), 7);
        var v = Assert.Throws<CyclerDataException>(() => Read(version, "v7.mpr"));
        Assert.Contains("version 7", v.Message, StringComparison.Ordinal);

        // Copied while EC-Lab was writing: the header counts records the file does not yet hold.
        var cut = Assert.Throws<CyclerDataException>(() => Read(bytes[..^30], "cut.mpr"));
        Assert.Contains("ends inside record 20 of the 20 its data module announces", cut.Message, StringComparison.Ordinal);
        Assert.Contains("twin publish --follow", cut.Message, StringComparison.Ordinal);

        // A module length too short for the records it counts: damaged.
        byte[] damaged = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(EcLabFiles.DataModuleOffset(MprLayout.Version2) + 6 + 35), 405 + 3 * EcLabFiles.RecordSize);
        var lying = Assert.Throws<CyclerDataException>(() => Read(damaged, "damaged.mpr"));
        Assert.Contains("announces 20 records of 51 bytes but holds 558 bytes", lying.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_with_the_signature_but_no_data_module_says_so()
    {
        byte[] head = EcLabFiles.Head(MprLayout.Version2, 0, Start);
        var none = Assert.Throws<CyclerDataException>(() => Read(head[..EcLabFiles.DataModuleOffset(MprLayout.Version2)], "new.mpr"));
        Assert.Contains("no data module ('VMP data')", none.Message, StringComparison.Ordinal);
        byte[] odd = [.. "BIO-LOGIC MODULAR FILE\u001a                         "u8, 0, 0, 0, 1];
        var bad = Assert.Throws<CyclerDataException>(() => Read(odd, "odd.mpr"));
        Assert.Contains("expected an EC-Lab .mpr", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_finite_value_is_a_bad_record_that_lenient_reading_skips()
    {
        var rows = LgM50.Value.Take(10).ToList();
        rows[4] = rows[4] with { EweV = float.NaN };
        byte[] bytes = EcLabFiles.Mpr(rows, MprLayout.Version3, Start);
        var e = Assert.Throws<CyclerDataException>(() => Read(bytes, "nan.mpr"));
        Assert.Contains("column 'Ewe/V': record 5: NaN is not a finite number", e.Message, StringComparison.Ordinal);
        var (samples, d) = Read(bytes, "nan.mpr", new ReaderOptions { Lenient = true });
        Assert.Equal(9, samples.Count);
        Assert.Equal(1, d.RowsSkipped);
    }

    [Fact]
    public void A_forced_format_that_does_not_match_is_refused()
    {
        byte[] bytes = EcLabFiles.Mpr(LgM50.Value.Take(3).ToList(), MprLayout.Version2, Start);
        var e = Assert.Throws<CyclerDataException>(() => Read(bytes, "x.mpr", new ReaderOptions { Format = CyclerFormat.Maccor }));
        Assert.Contains("binary EC-Lab .mpr file, not a maccor export", e.Message, StringComparison.Ordinal);
        var t = Assert.Throws<CyclerDataException>(() => TestFiles.ReadText(EcLabFiles.Mpt(LgM50.Value.Take(3).ToList(), Start), "x.mpt", new ReaderOptions { Format = CyclerFormat.BioLogicMpr }));
        Assert.Contains("--format mpr: expected a binary EC-Lab .mpr", t.Message, StringComparison.Ordinal);
        Assert.Equal(CyclerFormat.BioLogicMpr, CyclerFormatNames.Parse("mpr"));
    }

    private static (List<CyclerSample> Samples, ReadDiagnostics Diagnostics) Read(byte[] bytes, string name, ReaderOptions? options = null)
    {
        using var reader = CyclerFileReader.Open(new NonSeekable(bytes), name, options);
        return ([.. reader], reader.Diagnostics);
    }

    /// <summary>A pipe: read forward only.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
