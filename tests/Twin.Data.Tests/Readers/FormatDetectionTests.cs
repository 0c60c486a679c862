using System.Text;
using Twin.Data.Readers;

namespace Twin.Data.Tests.Readers;

public sealed class FormatDetectionTests
{
    public static TheoryData<string, CyclerFormat> Files => new()
    {
        { TestFiles.Maccor, CyclerFormat.Maccor },
        { TestFiles.Bdf, CyclerFormat.Bdf },
        { TestFiles.Fixture("biologic-gcpl.mpt"), CyclerFormat.BioLogicMpt },
        { TestFiles.Fixture("biologic-gcpl-decimal-comma.mpt"), CyclerFormat.BioLogicMpt },
        { TestFiles.Fixture("neware-record.csv"), CyclerFormat.Neware },
        { TestFiles.Fixture("neware-milliamp-unsigned.csv"), CyclerFormat.Neware },
        { TestFiles.Fixture("arbin-channel.csv"), CyclerFormat.Arbin },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Detects_each_format_from_its_content(string path, CyclerFormat expected)
    {
        Assert.Equal(expected, CyclerFormatDetector.Detect(path));

        // The content decides, not the name: the same bytes under a meaningless name.
        using var stream = new MemoryStream(File.ReadAllBytes(path));
        Assert.Equal(expected, CyclerFormatDetector.Detect(stream, "upload.dat"));
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public void Unknown_content_is_refused_naming_the_file_and_what_was_expected()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("timestamp;value\n1;2\n");
        var error = Assert.Throws<CyclerDataException>(() => CyclerFormatDetector.Detect(bytes, "/data/run7/mystery.csv"));
        Assert.Equal("/data/run7/mystery.csv", error.File);
        Assert.StartsWith("mystery.csv: cannot tell which cycler wrote this file", error.Message, StringComparison.Ordinal);
        Assert.Contains("'timestamp;value'", error.Message, StringComparison.Ordinal);
        Assert.Contains("EC-Lab ASCII FILE", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rec#", error.Message, StringComparison.Ordinal);
        Assert.Contains("Test Time / s", error.Message, StringComparison.Ordinal);
        Assert.Contains("biologic, mpt, mpr, maccor, neware, ndax, arbin, bdf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file_is_refused()
    {
        var error = Assert.Throws<CyclerDataException>(() => CyclerFileReader.Open(new MemoryStream(), "empty.csv"));
        Assert.Contains("the file is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_reads_a_file_detection_cannot_place()
    {
        // A bare Neware-style export: no step type, no total time, no data-point column.
        const string text = "Record,Cycle,Step,Time,Current(mA),Voltage(V),Capacity(mAh)\n1,1,1,0:00:00,100,3.8,0\n2,1,1,0:00:36,100,3.81,1.0\n";
        Assert.Throws<CyclerDataException>(() => TestFiles.ReadText(text, "bare.csv"));

        (var samples, ReadDiagnostics diagnostics) = TestFiles.ReadText(text, "bare.csv", new ReaderOptions { Format = CyclerFormat.Neware });
        Assert.Equal(CyclerFormat.Neware, diagnostics.Format);
        Assert.False(diagnostics.FormatDetected);
        Assert.Equal(2, samples.Count);
        Assert.Equal(0.1, samples[1].CurrentA, 12);
        Assert.Equal(0.001, samples[1].ChargeCounterAh, 12);
    }

    [Fact]
    public void Override_wins_over_detection()
    {
        // A BDF file forced to be read as Arbin: Arbin's column names are looked for, and missed.
        var error = Assert.Throws<CyclerDataException>(() =>
            CyclerFileReader.Open(TestFiles.Bdf, new ReaderOptions { Format = CyclerFormat.Arbin }));
        Assert.Equal("Test_Time(s)", error.Column);
    }

    [Theory]
    [InlineData("biologic", CyclerFormat.BioLogicMpt)]
    [InlineData("MPT", CyclerFormat.BioLogicMpt)]
    [InlineData(" Maccor ", CyclerFormat.Maccor)]
    [InlineData("neware", CyclerFormat.Neware)]
    [InlineData("arbin", CyclerFormat.Arbin)]
    [InlineData("BDF", CyclerFormat.Bdf)]
    public void Format_names_parse(string name, CyclerFormat expected)
    {
        Assert.Equal(expected, CyclerFormatNames.Parse(name));
        Assert.Equal(expected, CyclerFormatNames.Parse(CyclerFormatNames.ToName(expected)));
    }

    [Fact]
    public void Unknown_format_name_lists_the_accepted_ones()
    {
        var error = Assert.Throws<FormatException>(() => CyclerFormatNames.Parse("gamry"));
        Assert.Contains("'gamry'", error.Message, StringComparison.Ordinal);
        Assert.Contains("biologic, mpt, mpr, maccor, neware, ndax, arbin, bdf", error.Message, StringComparison.Ordinal);
        Assert.False(CyclerFormatNames.TryParse(null, out _));
    }
}
