using System.Text;
using Twin.Data.Readers;

namespace Twin.Data.Tests.Readers;

/// <summary>Malformed rows, lenient reading and missing columns.</summary>
public sealed class ErrorHandlingTests
{
    /// <summary>The real Maccor file with the Volts cell of line <paramref name="line"/> replaced.</summary>
    private static MemoryStream MaccorWithVolts(int line, string volts)
    {
        string[] lines = File.ReadAllLines(TestFiles.Maccor);
        string[] header = lines[3].Split('\t');
        int column = Array.IndexOf(header, "Volts");
        string[] cells = lines[line - 1].Split('\t');
        cells[column] = volts;
        lines[line - 1] = string.Join('\t', cells);
        return new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n"));
    }

    [Fact]
    public void Malformed_row_throws_naming_file_line_and_column()
    {
        using CyclerFileReader reader = CyclerFileReader.Open(MaccorWithVolts(57, "4.2x"), "lg.txt");
        var error = Assert.Throws<CyclerDataException>(() => reader.Count());
        Assert.Equal("lg.txt line 57, column 'Volts': '4.2x' is not a number", error.Message);
        Assert.Equal("lg.txt", error.File);
        Assert.Equal(57, error.Line);
        Assert.Equal("Volts", error.Column);
        Assert.Equal(52, reader.Diagnostics.RowsRead); // data starts at line 5
    }

    [Fact]
    public void Lenient_mode_skips_and_counts_malformed_rows()
    {
        using CyclerFileReader reader = CyclerFileReader.Open(MaccorWithVolts(57, "4.2x"), "lg.txt", new ReaderOptions { Lenient = true });
        int count = reader.Count();
        Assert.Equal(6703, count);
        Assert.Equal(6703, reader.Diagnostics.RowsRead);
        Assert.Equal(1, reader.Diagnostics.RowsSkipped);
        Assert.Equal(["lg.txt line 57, column 'Volts': '4.2x' is not a number"], reader.Diagnostics.SkipReasons);
    }

    [Fact]
    public void Lenient_mode_keeps_only_the_first_skip_reasons()
    {
        var text = new StringBuilder("Test Time / s,Current / A,Voltage / V\n");
        for (int i = 0; i < 50; i++)
        {
            text.Append(i).Append(",0.1,").Append(i % 2 == 0 ? "3.7" : "n/a").Append('\n');
        }

        (var samples, ReadDiagnostics diagnostics) = TestFiles.ReadText(text.ToString(), "gaps.csv", new ReaderOptions { Lenient = true });
        Assert.Equal(25, samples.Count);
        Assert.Equal(25, diagnostics.RowsSkipped);
        Assert.Equal(ReadDiagnostics.MaxSkipReasons, diagnostics.SkipReasons.Count);
        Assert.Equal("gaps.csv line 3, column 'Voltage / V': 'n/a' is not a number", diagnostics.SkipReasons[0]);
    }

    [Fact]
    public void Short_row_names_the_missing_column()
    {
        const string text = "Test Time / s,Current / A,Voltage / V\n0,0.1,3.7\n1,0.1\n";
        var error = Assert.Throws<CyclerDataException>(() => TestFiles.ReadText(text, "short.csv"));
        Assert.Equal(3, error.Line);
        Assert.Equal("Voltage / V", error.Column);
        Assert.Contains("expected a value in field 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_required_cell_is_reported_as_empty()
    {
        const string text = "Test Time / s,Current / A,Voltage / V\n0,,3.7\n";
        var error = Assert.Throws<CyclerDataException>(() => TestFiles.ReadText(text, "blank.csv"));
        Assert.Equal("blank.csv line 2, column 'Current / A': the cell is empty; expected a number", error.Message);
    }

    [Fact]
    public void Missing_required_column_names_it_and_lists_the_columns_found()
    {
        const string text = "Test Time / h,Current / A,Cycle Count / 1,Step Type / 1\n0,0.1,1,charge\n";
        var error = Assert.Throws<CyclerDataException>(() =>
            CyclerFileReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text)), "cell.csv", new ReaderOptions { Format = CyclerFormat.Bdf }));
        Assert.Equal("Voltage / V", error.Column);
        Assert.Equal(1, error.Line);
        Assert.Equal(
            "cell.csv line 1, column 'Voltage / V': required column not found; columns found: 'Test Time / h', 'Current / A', 'Cycle Count / 1', 'Step Type / 1'",
            error.Message);
    }

    [Fact]
    public void Missing_column_is_an_error_even_when_lenient()
    {
        const string text = "Data_Point,Test_Time(s),Voltage(V)\n1,0,3.7\n";
        var error = Assert.Throws<CyclerDataException>(() =>
            TestFiles.ReadText(text, "arbin.csv", new ReaderOptions { Format = CyclerFormat.Arbin, Lenient = true }));
        Assert.Equal("Current(A)", error.Column);
        Assert.Contains("'Data_Point', 'Test_Time(s)', 'Voltage(V)'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_unit_is_refused()
    {
        const string text = "Data_Point,Test_Time(s),Current(kA),Voltage(V)\n1,0,1,3.7\n";
        var error = Assert.Throws<CyclerDataException>(() => TestFiles.ReadText(text, "arbin.csv"));
        Assert.Equal("Current(kA)", error.Column);
        Assert.Contains("unit 'kA' is not understood", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Samples_can_be_enumerated_once()
    {
        using CyclerFileReader reader = CyclerFileReader.Open(TestFiles.Fixture("arbin-channel.csv"));
        Assert.Equal(38, reader.Count());
        Assert.Throws<InvalidOperationException>(() => reader.GetEnumerator());
    }

    [Fact]
    public void Blank_lines_and_a_missing_final_newline_are_tolerated()
    {
        const string text = "\nTest Time / s,Current / A,Voltage / V\n0,0.1,3.7\n\n,,\n1,0.1,3.8";
        (var samples, ReadDiagnostics diagnostics) = TestFiles.ReadText(text, "gaps.csv");
        Assert.Equal(2, samples.Count);
        Assert.Equal(2, diagnostics.HeaderLine);
        Assert.Equal(0, diagnostics.RowsSkipped);
    }
}
