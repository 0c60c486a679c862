namespace Twin.Cli.Tests;

public class CliCommandTests
{
    [Fact]
    public void Replay_of_the_shipped_file_prints_the_cycle_summary()
    {
        string dir = Repo.TempDir("cli");
        try
        {
            var r = TwinProcess.Run("replay", Repo.LgM50, "--material", "NMC811", "--q-li-ah", "8.732", "--c-li0", "0.80", "--out", dir);
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            Assert.Contains("4 of 4 charges went below c_Li = 0.40", r.Out);
            Assert.Contains("0.355", r.Out);
            foreach (var f in new[] { "samples.csv", "events.json", "summary.json", "report.html" })
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Active_mass_gives_q_li_from_the_theoretical_capacity()
    {
        string dir = Repo.TempDir("cli-mass");
        try
        {
            // 31 694 mg × 275.5 mAh/g ≈ 8.732 A·h: the same answer as --q-li-ah 8.732.
            var r = TwinProcess.Run("replay", Repo.LgM50, "--material", "ncm811", "--active-mass-mg", "31694", "--c-li0", "0.80", "--out", dir);
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            Assert.Contains("Q_Li = 8.73", r.Out);
            Assert.Contains("4 of 4 charges", r.Out);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("--material", "LFP", "unknown material 'LFP'")]
    [InlineData("--c-li0", "1.5", "c_Li at the start must lie in (0, 1.2]")]
    [InlineData("--format", "csv", "csv")]
    public void Bad_options_are_named_in_the_error(string option, string value, string expected)
    {
        var args = new List<string> { "replay", Repo.LgM50, "--material", "NMC811", "--q-li-ah", "8.732", "--c-li0", "0.8", "--out", Path.GetTempPath() };
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value; else args.AddRange([option, value]);
        var r = TwinProcess.Run([.. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Err);
    }

    [Fact]
    public void Both_or_neither_capacity_option_is_refused()
    {
        var r = TwinProcess.Run("replay", Repo.LgM50, "--material", "NMC811", "--c-li0", "0.8");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("exactly one of --q-li-ah", r.Err);
    }

    [Fact]
    public void A_malformed_row_names_file_line_and_column_and_lenient_skips_it()
    {
        string dir = Repo.TempDir("cli-bad");
        try
        {
            var lines = File.ReadAllLines(Repo.LgM50);
            // Corrupt the voltage of one data row (line 101 of the file).
            var cells = lines[100].Split('\t');
            cells[8] = "4.1x";
            lines[100] = string.Join('\t', cells);
            string bad = Path.Combine(dir, "bad.txt");
            File.WriteAllLines(bad, lines);

            var r = TwinProcess.Run("replay", bad, "--material", "NMC811", "--q-li-ah", "8.732", "--c-li0", "0.8", "--out", Path.Combine(dir, "o1"));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("bad.txt", r.Err);
            Assert.Contains("101", r.Err);
            Assert.Contains("Volts", r.Err);

            r = TwinProcess.Run("replay", bad, "--material", "NMC811", "--q-li-ah", "8.732", "--c-li0", "0.8", "--lenient", "--out", Path.Combine(dir, "o2"));
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            Assert.Contains("1 malformed rows skipped", r.Out);
            Assert.Equal(lines.Length - 4 - 1 + 1, File.ReadLines(Path.Combine(dir, "o2", "samples.csv")).Count());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Materials_lists_and_shows_with_sources()
    {
        var r = TwinProcess.Run("materials");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("NMC622", r.Out);
        Assert.Contains("275.5", r.Out);
        r = TwinProcess.Run("materials", "NMC811");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("14.4670", r.Out);
        Assert.Contains("modelling assumption", r.Out);
        Assert.DoesNotContain("Kondrakov", r.Out);
        // Knots carry the precision of their anchors: no 10⁻⁵ Å digits.
        Assert.Contains("14.4400", r.Out);
        r = TwinProcess.Run("materials", "NMC999");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("expected one of NMC622, NMC811, LNO", r.Err);
    }

    [Fact]
    public void Calibrate_strain_fits_a_table()
    {
        string dir = Repo.TempDir("cal");
        try
        {
            string table = Path.Combine(dir, "strain.csv");
            var rows = new List<string> { "c_li,eps_percent_unused,eps" };
            for (double c = 0.95; c > 0.17; c -= 0.025)
            {
                double eps = c >= 0.41 ? 6e-4 : 6e-4 * Math.Exp((0.41 - c) / 0.07);
                rows.Add(FormattableString.Invariant($"{c:0.000},0,{eps:G6}"));
            }
            File.WriteAllLines(table, rows);
            var r = TwinProcess.Run("calibrate", "strain", table);
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            Assert.Contains("c_crit", r.Out);
            Assert.Contains("--lambda 0.07", r.Out);

            r = TwinProcess.Run("calibrate", "strain", table, "--weighting", "relative");
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            Assert.Contains("relative weighting", r.Out);
            Assert.Contains("--lambda 0.07", r.Out);

            string flat = Path.Combine(dir, "flat.csv");
            File.WriteAllLines(flat, ["c_li,eps", "0.25,5e-4", "0.35,5e-4", "0.5,5e-4", "0.6,5e-4", "0.7,5e-4"]);
            r = TwinProcess.Run("calibrate", "strain", flat);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("flat.csv", r.Err);
            Assert.Contains("flat table", r.Err);
            Assert.DoesNotContain("0.0000", r.Out);

            File.AppendAllLines(table, ["0.15,0,abc"]);
            r = TwinProcess.Run("calibrate", "strain", table);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("column 'eps': 'abc' is not a number", r.Err);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
