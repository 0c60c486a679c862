using System.Globalization;
using System.Text.Json;

namespace Twin.Cli.Tests;

/// <summary>
/// <c>twin replay</c> on files whose numbers cannot be right: each gives a warning with file and line, or an error that
/// says why and what would fix it — never exit 0 with impossible numbers, never NaN or Infinity in the outputs — and a
/// failed run leaves the previous outputs untouched.
/// </summary>
public class ReplayPlausibilityTests
{
    private static readonly string[] Lg = ["--material", "NMC811", "--q-li-ah", "8.732", "--c-li0", "0.80"];

    /// <summary>The LG M50 export as a cycler writes it when the time column restarts at each step: TestTime replaced by StepTime.</summary>
    private static string StepTimeExport(string dir)
    {
        var lines = File.ReadAllLines(Repo.LgM50);
        for (int i = 4; i < lines.Length; i++)
        {
            var cells = lines[i].Split('\t');
            if (cells.Length > 4) cells[3] = cells[4];
            lines[i] = string.Join('\t', cells);
        }
        string path = Path.Combine(dir, "step-time.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void A_time_column_that_restarts_at_each_step_is_an_error_naming_the_line_and_the_fix_and_nothing_is_written()
    {
        string dir = Repo.TempDir("plaus-step");
        try
        {
            string file = StepTimeExport(dir);
            string outDir = Path.Combine(dir, "out");
            var r = TwinProcess.Run(["replay", file, .. Lg, "--out", outDir]);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("step-time.txt line ", r.Err);
            Assert.Contains("restarts at step", r.Err);
            Assert.Contains("export the total test time", r.Err);
            Assert.DoesNotContain("--lenient", r.Err);
            Assert.False(Directory.Exists(outDir), "a failed run into a new folder leaves no folder behind");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_failed_run_leaves_the_previous_outputs_untouched_and_says_so()
    {
        string dir = Repo.TempDir("plaus-atomic");
        try
        {
            string outDir = Path.Combine(dir, "out");
            var ok = TwinProcess.Run(["replay", Repo.LgM50, .. Lg, "--out", outDir]);
            Assert.True(ok.ExitCode == 0, ok.Err + ok.Out);
            var before = OutputFolderBytes(outDir);

            var r = TwinProcess.Run(["replay", StepTimeExport(dir), .. Lg, "--out", outDir]);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"the previous outputs in {outDir} are untouched", r.Err);
            var after = OutputFolderBytes(outDir);
            Assert.Equal(before.Keys, after.Keys); // no staging folder left, no partial file
            foreach (var (name, bytes) in before) Assert.True(bytes.SequenceEqual(after[name]), $"{name} changed");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_too_small_q_li_warns_with_file_and_line_in_the_output_and_in_summary_json()
    {
        string dir = Repo.TempDir("plaus-qli");
        try
        {
            // The LG M50 cathode passes ≈ 3.9 A·h from c_Li0 0.80 to its end of charge: with Q_Li = 3.5 A·h that is c_Li ≈ −0.31.
            var r = TwinProcess.Run("replay", Repo.LgM50, "--material", "NMC811", "--q-li-ah", "3.5", "--c-li0", "0.80", "--out", dir);
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            Assert.Contains("warning (c_li_out_of_range", r.Out);
            Assert.Contains("lg-m50-nmc811-maccor.txt line ", r.Out);
            Assert.Contains("--q-li-ah", r.Out);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            var w = Assert.Single(summary.RootElement.GetProperty("warnings").EnumerateArray());
            Assert.Equal("c_li_out_of_range", w.GetProperty("kind").GetString());
            Assert.True(w.GetProperty("first_line").GetInt64() > 4);
            Assert.True(w.GetProperty("count").GetInt64() > 0);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Hours_written_in_seconds_give_an_impossible_c_li_error_that_names_the_units_and_write_no_infinity()
    {
        string dir = Repo.TempDir("plaus-unit");
        try
        {
            // The BDF sample's time column says hours; a file that holds seconds under that header, and no capacity
            // columns, so the charge is counted from the current over that time.
            var lines = File.ReadAllLines(Repo.Sample("bdf-sample.csv"));
            lines[0] = string.Join(',', lines[0].Split(',')[..7]);
            for (int i = 1; i < lines.Length; i++)
            {
                var cells = lines[i].Split(',')[..7];
                cells[0] = (double.Parse(cells[0], CultureInfo.InvariantCulture) * 3600).ToString("R", CultureInfo.InvariantCulture);
                lines[i] = string.Join(',', cells);
            }
            string file = Path.Combine(dir, "seconds-as-hours.csv");
            File.WriteAllLines(file, lines);
            string outDir = Path.Combine(dir, "out");
            var r = TwinProcess.Run("replay", file, "--material", "NMC811", "--q-li-ah", "0.5", "--c-li0", "0.4", "--out", outDir);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("seconds-as-hours.csv line ", r.Err);
            Assert.Contains("impossible for a lithium content", r.Err);
            Assert.Contains("time is in seconds", r.Err);
            Assert.False(Directory.Exists(outDir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Lenient_with_every_row_malformed_is_an_error_not_an_empty_summary()
    {
        string dir = Repo.TempDir("plaus-lenient");
        try
        {
            var lines = File.ReadAllLines(Repo.LgM50);
            for (int i = 4; i < lines.Length; i++)
            {
                var cells = lines[i].Split('\t');
                if (cells.Length > 8) cells[8] = "n/a";
                lines[i] = string.Join('\t', cells);
            }
            string file = Path.Combine(dir, "no-volts.txt");
            File.WriteAllLines(file, lines);
            var r = TwinProcess.Run(["replay", file, .. Lg, "--lenient", "--out", Path.Combine(dir, "out")]);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("no sample could be read: all 6,704 data rows were malformed", r.Err);
            Assert.Contains("Volts", r.Err);
            Assert.False(File.Exists(Path.Combine(dir, "out", "summary.json")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Summary_json_writes_missing_numbers_as_null_and_zones_as_in_samples_csv_and_a_coin_cell_q_li_in_mAh()
    {
        string dir = Repo.TempDir("plaus-json");
        try
        {
            var r = TwinProcess.Run("replay", Repo.Sample("bdf-sample.csv"), "--material", "NMC811", "--q-li-ah", "0.0096", "--c-li0", "0.4", "--out", dir);
            Assert.Contains("Q_Li = 9.6 mA·h", r.Out);
            r = TwinProcess.Run(["replay", Repo.LgM50, .. Lg, "--out", dir]);
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            string json = File.ReadAllText(Path.Combine(dir, "summary.json"));
            Assert.DoesNotContain("NaN", json);
            Assert.DoesNotContain("Infinity", json);
            Assert.Contains("\"first_crossing_time_s\": null", json);
            using var doc = JsonDocument.Parse(json);
            var zones = doc.RootElement.GetProperty("cycles").EnumerateArray().Select(c => c.GetProperty("worst_zone").GetString()).ToList();
            Assert.All(zones, z => Assert.Contains(z, new[] { "safe", "caution", "critical", "deep" }));
            var csvZones = File.ReadLines(Path.Combine(dir, "samples.csv")).Skip(1).Select(l => l.Split(',')[12]).ToHashSet();
            Assert.All(zones, z => Assert.Contains(z!, csvZones)); // the same names in both files
            Assert.Contains("deep", zones);
            Assert.All(doc.RootElement.GetProperty("lithium_inventory").EnumerateArray(), i => Assert.Equal("no_measurement", i.GetProperty("diagnosis").GetString()));
            Assert.DoesNotContain("NaN", File.ReadAllText(Path.Combine(dir, "samples.csv")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void An_error_that_no_row_skipping_fixes_does_not_suggest_lenient()
    {
        string dir = Repo.TempDir("plaus-hint");
        try
        {
            string file = Path.Combine(dir, "notes.txt");
            File.WriteAllLines(file, ["meeting notes", "nothing here is a cycler export", "1 2 3"]);
            var r = TwinProcess.Run(["replay", file, .. Lg, "--out", Path.Combine(dir, "out")]);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("notes.txt", r.Err);
            Assert.DoesNotContain("--lenient", r.Err);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_current_in_milliamperes_under_an_amperes_header_is_a_charge_mismatch_warning()
    {
        string dir = Repo.TempDir("plaus-charge");
        try
        {
            var lines = File.ReadAllLines(Repo.LgM50);
            for (int i = 4; i < lines.Length; i++)
            {
                var cells = lines[i].Split('\t');
                cells[7] = (double.Parse(cells[7], CultureInfo.InvariantCulture) * 1000).ToString("0.###", CultureInfo.InvariantCulture);
                lines[i] = string.Join('\t', cells);
            }
            string file = Path.Combine(dir, "milliamps.txt");
            File.WriteAllLines(file, lines);
            var r = TwinProcess.Run(["replay", file, .. Lg, "--out", Path.Combine(dir, "out")]);
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            Assert.Contains("warning (charge_mismatch", r.Out);
            Assert.Contains("milliamps.txt lines ", r.Out);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out", "summary.json")));
            Assert.Contains(summary.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("kind").GetString() == "charge_mismatch");
            // The same file with the current in amperes gives no warning at all.
            r = TwinProcess.Run(["replay", Repo.LgM50, .. Lg, "--out", Path.Combine(dir, "ok")]);
            Assert.DoesNotContain("warning", r.Out);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static Dictionary<string, byte[]> OutputFolderBytes(string dir) =>
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .ToDictionary(p => Path.GetRelativePath(dir, p), p => File.Exists(p) ? File.ReadAllBytes(p) : []);
}
