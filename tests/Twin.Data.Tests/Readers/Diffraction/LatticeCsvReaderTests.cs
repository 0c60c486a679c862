using Twin.Core.Lattice;
using Twin.Data.Readers.Diffraction;
using Xunit.Abstractions;

namespace Twin.Data.Tests.Readers.Diffraction;

public sealed class LatticeCsvReaderTests(ITestOutputHelper output)
{
    private static List<LatticeObservation> Parse(string text) => LatticeCsvReader.Parse(new StringReader(text), "lattice.csv").ToList();

    [Fact]
    public void Three_columns_give_a_and_c_without_sigma()
    {
        var rows = Parse("time_s,a_A,c_A\n# Le Bail, NMC811, C/10\n0,2.8727,14.2127\n\n60.5,2.8701,14.2401\n");
        Assert.Equal(2, rows.Count);
        Assert.Equal(new LatticeObservation(60.5, new MeasuredLattice(2.8701, null, 14.2401, null)), rows[1]);
    }

    [Fact]
    public void Five_columns_give_sigma_and_an_empty_sigma_is_not_given()
    {
        var rows = Parse(" time_s , a_A , c_A , a_sigma_A , c_sigma_A \n0,2.8727,14.2127,0.0002,0.0009\n60,2.8701,14.2401,,0.001\n");
        Assert.Equal(new MeasuredLattice(2.8727, 0.0002, 14.2127, 0.0009), rows[0].Lattice);
        Assert.Equal(new MeasuredLattice(2.8701, null, 14.2401, 0.001), rows[1].Lattice);
    }

    [Fact]
    public void A_file_on_disk_is_read_lazily_row_by_row()
    {
        string path = Path.Combine(Path.GetTempPath(), $"twin-lattice-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "time_s,a_A,c_A\n0,2.87,14.21\n10,2.86,14.25\n5,2.85,14.3\n");
            var seen = new List<LatticeObservation>();
            var e = Assert.Throws<DiffractionFileException>(() => { foreach (var r in LatticeCsvReader.Read(path)) seen.Add(r); });
            Assert.Equal(2, seen.Count); // rows before the bad one were delivered
            Assert.Equal(4, e.Line);
            Assert.Contains("runs backwards", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("", 0, "found no line")]
    [InlineData("time,a,c\n", 1, "expected the header 'time_s,a_A,c_A'")]
    [InlineData("time_s,a_A,c_A,a_sigma_A\n", 1, "expected the header")]
    [InlineData("time_s,a_A,c_A\n0,2.87\n", 2, "expected 3 fields like the header, found 2")]
    [InlineData("time_s,a_A,c_A\n0,2.87,abc\n", 2, "c_A: expected a finite number, found 'abc'")]
    [InlineData("time_s,a_A,c_A\nNaN,2.87,14.2\n", 2, "time_s: expected a finite number")]
    [InlineData("time_s,a_A,c_A\n0,Infinity,14.2\n", 2, "a_A: expected a finite number")]
    [InlineData("time_s,a_A,c_A\n0,0.287,14.2\n", 2, "a_A = 0.287 is not a lattice parameter in Å")]
    [InlineData("time_s,a_A,c_A\n0,2.87,1.42\n", 2, "c_A = 1.42 is not a lattice parameter in Å")]
    [InlineData("time_s,a_A,c_A\n10,2.87,14.2\n9.5,2.87,14.2\n", 3, "time_s = 9.5 runs backwards")]
    [InlineData("time_s,a_A,c_A,a_sigma_A,c_sigma_A\n0,2.87,14.2,-0.001,0.001\n", 2, "a_sigma_A = -0.001: expected a positive σ")]
    [InlineData("time_s,a_A,c_A,a_sigma_A,c_sigma_A\n0,2.87,14.2,0.001,0\n", 2, "c_sigma_A = 0: expected a positive σ")]
    public void Bad_input_names_file_line_and_what_was_expected(string text, int line, string expected)
    {
        var e = Assert.Throws<DiffractionFileException>(() => Parse(text));
        output.WriteLine(e.Message);
        Assert.Equal(line, e.Line);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(line > 0 ? $"lattice.csv line {line}: " : "lattice.csv: ", e.Message);
    }
}
