using System.Globalization;
using System.Text;
using Twin.Data.Readers;

namespace Twin.Data.Tests.Readers;

/// <summary>
/// Exports as operators have them beside the tidy text files: BDF with the specification's machine-readable column
/// names, binary files the cycler software writes (named, never echoed as text), and a column the twin does not need
/// holding something that is not a number.
/// </summary>
public class ExportVariantsTests
{
    /// <summary>The shipped BDF sample rewritten with the machine-readable names of the BDF specification, time in seconds.</summary>
    private static string MachineReadableBdf()
    {
        var lines = File.ReadAllLines(TestFiles.Bdf);
        var sb = new StringBuilder("test_time_second,current_ampere,voltage_volt,cycle_count,step_index,charging_capacity_ah,discharging_capacity_ah,Step Type / 1\n");
        foreach (var line in lines.Skip(1))
        {
            var c = line.Split(',');
            double seconds = double.Parse(c[0], CultureInfo.InvariantCulture) * 3600;
            sb.Append(CultureInfo.InvariantCulture, $"{seconds:R},{c[1]},{c[2]},{c[5]},{c[6]},{c[7]},{c[8]},{c[4]}\n");
        }
        return sb.ToString();
    }

    [Fact]
    public void Bdf_with_machine_readable_column_names_reads_the_same_samples_as_with_the_labels()
    {
        var (labelled, _) = TestFiles.ReadAll(TestFiles.Bdf);
        var (machine, diagnostics) = TestFiles.ReadText(MachineReadableBdf(), "machine.bdf.csv");
        Assert.Equal(CyclerFormat.Bdf, diagnostics.Format);
        AssertSameSamples(labelled, machine, timeDigits: 6);
    }

    /// <summary>The same samples: count, time (to <paramref name="timeDigits"/> decimals), current, voltage, counter and its segment.</summary>
    private static void AssertSameSamples(List<Twin.Core.Samples.CyclerSample> expected, List<Twin.Core.Samples.CyclerSample> actual, int timeDigits)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].TimeS, actual[i].TimeS, timeDigits);
            Assert.Equal(expected[i].CurrentA, actual[i].CurrentA);
            Assert.Equal(expected[i].VoltageV, actual[i].VoltageV);
            Assert.Equal(expected[i].ChargeCounterAh, actual[i].ChargeCounterAh);
            Assert.Equal(expected[i].CounterSegment, actual[i].CounterSegment);
        }
    }

    public static TheoryData<string, byte[], string> BinaryFiles()
    {
        byte[] jet = new byte[64];
        "Standard Jet DB"u8.CopyTo(jet.AsSpan(4));
        return new()
        {
            { "run.nda", [.. "NEWARE"u8, 0, 0, 7], "binary Neware .nda" },
            { "run.res", jet, "Arbin .res" },
            { "run.bin", [0x31, 0x2C, 0x00, 0x07, 0x0A], "binary file (a NUL byte at offset 2)" },
            { "run.csv", [0xFF, 0xFE, 0x54, 0x00, 0x65, 0x00], "UTF-16 text" },
        };
    }

    [Theory]
    [MemberData(nameof(BinaryFiles))]
    public void A_binary_file_is_named_with_what_to_export_instead_and_never_echoed(string name, byte[] bytes, string expected)
    {
        foreach (var format in new CyclerFormat?[] { null, CyclerFormat.Arbin })
        {
            var e = Assert.Throws<CyclerDataException>(() => CyclerFileReader.Open(new MemoryStream(bytes), name, new ReaderOptions { Format = format }));
            Assert.Contains(expected, e.Message);
            Assert.Contains("export", e.Message);
            Assert.DoesNotContain('\0', e.Message);
            Assert.True(e.Message.Length < 400, e.Message);
        }
    }

    [Fact]
    public void Control_characters_of_an_unknown_text_are_escaped_in_the_detection_error()
    {
        var e = Assert.Throws<CyclerDataException>(() => CyclerFileReader.Open(new MemoryStream("a\u0007b,c\nd,e\n"u8.ToArray()), "odd.txt"));
        Assert.Contains("a\\x07b,c", e.Message);
    }

    [Fact]
    public void A_cycle_count_that_is_not_a_whole_number_does_not_reject_the_row()
    {
        var lines = File.ReadAllLines(TestFiles.Bdf);
        var c = lines[2].Split(',');
        c[5] = "1.5";
        lines[2] = string.Join(',', c);
        var (samples, diagnostics) = TestFiles.ReadText(string.Join('\n', lines) + "\n", "cycle.csv");
        var (reference, _) = TestFiles.ReadAll(TestFiles.Bdf);
        Assert.Equal(reference.Count, samples.Count);
        Assert.Equal(0, diagnostics.RowsSkipped);
        Assert.Equal(reference[1], samples[1]); // read as the row before's cycle: same sample, same counter segment
        Assert.Contains(diagnostics.Notes, n => n.Contains("line 3, column 'Cycle Count / 1': '1.5' is not a whole number", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(CyclerFormat.BioLogicMpt)]
    public void An_ec_lab_export_without_its_header_block_reads_like_the_full_one(CyclerFormat? format)
    {
        var lines = File.ReadAllLines(TestFiles.Fixture("biologic-gcpl.mpt"));
        var (full, _) = TestFiles.ReadAll(TestFiles.Fixture("biologic-gcpl.mpt"));
        string headerless = string.Join('\n', lines.Skip(34)) + "\n"; // from the column row 'mode ox/red … time/s …' on
        var (samples, diagnostics) = TestFiles.ReadText(headerless, "no-header.mpt", new ReaderOptions { Format = format });
        Assert.Equal(CyclerFormat.BioLogicMpt, diagnostics.Format);
        Assert.Equal(full, samples);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(CyclerFormat.Maccor)]
    public void A_maccor_export_csv_is_read_as_maccor_with_the_text_exports_samples(CyclerFormat? format)
    {
        // The LG M50 text export rewritten as MaccorExport writes CSV: Rec,Cycle P,Cycle C,Step,Test Time,Step Time,
        // Capacity (AHr),Energy (WHr),Current (A),Voltage (V),MD,ES,DPT Time — test time in seconds, current unsigned.
        var (text, _) = TestFiles.ReadAll(TestFiles.Maccor);
        var lines = File.ReadAllLines(TestFiles.Maccor);
        var csv = new StringBuilder("Rec,Cycle P,Cycle C,Step,Test Time,Step Time,Capacity (AHr),Energy (WHr),Current (A),Voltage (V),MD,ES,DPT Time\n");
        int row = 0;
        foreach (var line in lines.Skip(4))
        {
            var c = line.Split('\t');
            csv.Append(CultureInfo.InvariantCulture, $"{c[0]},{c[1]},{c[1]},{c[2]},{text[row++].TimeS:R},{c[4].Trim()},{c[5]},{c[6]},{c[7]},{c[8]},{c[9]},{c[10]},{c[11]}\n");
        }
        var (samples, diagnostics) = TestFiles.ReadText(csv.ToString(), "export.csv", new ReaderOptions { Format = format });
        Assert.Equal(CyclerFormat.Maccor, diagnostics.Format);
        AssertSameSamples(text, samples, timeDigits: 9);
        Assert.Equal(text.Select(x => (x.Step, x.Kind)), samples.Select(x => (x.Step, x.Kind)));
    }
}
