using System.Globalization;
using System.Text.Json;
using Twin.Cli.Replay;
using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Materials;
using Twin.Data.Readers;

namespace Twin.Cli.Tests;

/// <summary>
/// <c>twin replay --patterns/--lattice</c> on a synthetic operando experiment whose Q_Li is configured 6 % too large, so
/// counting alone ends each charge about 0.025 above the true c_Li (the unsafe direction): the fitted patterns pull
/// the estimate onto the truth, every pattern gets a row in measurements.csv, and a broken pattern a reason.
/// </summary>
public sealed class ReplayFusionTests : IClassFixture<ReplayFusionTests.Experiment>, IDisposable
{
    private const double QTrue = 0.005, QConfigured = 0.0053, CLi0 = 0.90;

    public sealed class Experiment : IDisposable
    {
        public Experiment()
        {
            Files = new OperandoFiles(Repo.TempDir("operando"), QTrue, CLi0, cycles: 3);
        }

        internal OperandoFiles Files { get; }

        public void Dispose() => Directory.Delete(Files.Dir, recursive: true);
    }

    private readonly OperandoFiles _files;
    private readonly string _out;

    public ReplayFusionTests(Experiment e)
    {
        _files = e.Files;
        _out = Repo.TempDir("fusion-out");
    }

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static CellConfig Cell => CellConfig.WithDefaults("op", MaterialCatalog.Default.Get("NMC811"), QConfigured, CLi0);

    private ReplayResult Replay(MeasurementOptions? measurements, string? outDir = null) =>
        ReplayRunner.Run(new ReplayRequest(_files.CyclerFile, Cell, ReaderOptions.Default, outDir ?? _out, measurements));

    private static MeasurementOptions With(string? patterns = null, string? lattice = null) =>
        MeasurementOptions.None with { PatternsDir = patterns, LatticeCsv = lattice };

    private static List<string[]> Csv(string path) =>
        [.. File.ReadLines(path).Skip(1).Select(l => l.Split(','))];

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Counting_alone_ends_each_charge_above_the_truth()
    {
        var r = Replay(null);
        var charges = r.Inventory.Where(c => c.Cycle > 0).ToList();
        Assert.Equal(3, charges.Count);
        for (int i = 0; i < 3; i++)
            Assert.InRange(charges[i].LowestCLi - _files.EndsOfCharge[i].CLi, 0.02, 0.04);
        Assert.False(File.Exists(Path.Combine(_out, "measurements.csv")));
    }

    [Fact]
    public void Fitted_patterns_pull_every_end_of_charge_onto_the_truth_within_its_sigma()
    {
        var r = Replay(With(patterns: _files.PatternsDir));
        var charges = r.Inventory.Where(c => c.Cycle > 0).ToList();
        for (int i = 0; i < 3; i++)
        {
            double truth = _files.EndsOfCharge[i].CLi;
            Assert.True(Math.Abs(charges[i].LowestCLi - truth) <= 0.01, $"charge {i + 1}: estimate {charges[i].LowestCLi} vs true {truth}");
            Assert.True(Math.Abs(charges[i].LowestCLi - truth) <= 3 * charges[i].LowestSigma, $"charge {i + 1}: σ {charges[i].LowestSigma}");
            Assert.InRange(charges[i].LowestCountedCLi - truth, 0.02, 0.04);
        }
        Assert.InRange(charges[^1].QLiAh, QTrue * 0.98, QTrue * 1.02);
        Assert.Equal("active_material_loss", charges[^1].Diagnosis.Name()); // Q_Li below the configured value
        Assert.Equal(_files.Patterns.Count, r.Measurements["diffraction"].Where(p => p.Key is "applied" or "gated_inflated").Sum(p => p.Value));
    }

    [Fact]
    public void Measurements_csv_has_a_row_per_pattern_at_its_mid_exposure_time()
    {
        Replay(With(patterns: _files.PatternsDir));
        var lines = File.ReadLines(Path.Combine(_out, "measurements.csv")).ToList();
        Assert.Equal(MeasurementsCsvWriter.Header, lines[0]);
        Assert.StartsWith("time_s,kind,", lines[0]);
        var rows = Csv(Path.Combine(_out, "measurements.csv"));
        Assert.Equal(_files.Patterns.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(_files.Patterns[i].TimeS, D(rows[i][0]), 6);
            Assert.Equal("diffraction", rows[i][1]);
            Assert.Equal($"p{i + 1:0000}.xy", rows[i][2]);
            Assert.InRange(D(rows[i][6]) - _files.Patterns[i].CLi, -0.05, 0.05);
            Assert.True(D(rows[i][7]) > 0);
            Assert.Contains(rows[i][14], new[] { "applied", "gated_inflated" });
            Assert.Equal(D(rows[i][6]) - D(rows[i][8]), D(rows[i][9]), 12);
        }
    }

    [Fact]
    public async Task The_nexus_file_holds_every_twin_state_and_every_fused_pattern_with_its_data()
    {
        ReplayRunner.Run(new ReplayRequest(_files.CyclerFile, Cell, ReaderOptions.Default, _out, With(patterns: _files.PatternsDir)) { Nexus = true });
        var rows = Csv(Path.Combine(_out, "measurements.csv"));
        var ds = (await Twin.Testing.Nexus.H5Py.DumpAsync(Path.Combine(_out, "experiment.nxs"))).GetProperty("datasets");
        Assert.Equal(Csv(Path.Combine(_out, "samples.csv")).Count, ds.GetProperty("/op/twin/c_li").GetProperty("shape")[0].GetInt32());
        var ids = ds.GetProperty("/op/patterns/id").GetProperty("values").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Equal(rows.Select(r => r[2]), ids);
        var mid = ds.GetProperty("/op/patterns/c_li_mid").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var lattice = ds.GetProperty("/op/patterns/c_li_lattice").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(D(rows[i][8]), mid[i], 12); // the twin's predicted c_Li at mid-exposure, as in measurements.csv
            Assert.Equal(D(rows[i][6]), lattice[i], 12);
            Assert.InRange(mid[i] - _files.Patterns[i].CLi, -0.05, 0.05);
        }
        Assert.True(ds.GetProperty("/op/patterns/p0001.xy/intensity").GetProperty("shape")[0].GetInt32() > 100);
    }

    [Fact]
    public void Samples_csv_and_summary_carry_sigma_counted_and_the_bound()
    {
        Replay(With(patterns: _files.PatternsDir));
        var header = File.ReadLines(Path.Combine(_out, "samples.csv")).First().Split(',');
        Assert.Equal(["c_li_sigma", "c_li_counted", "c_li_low"], header[^3..]);
        var last = Csv(Path.Combine(_out, "samples.csv"))[^1];
        double cLi = D(last[4]), sigma = D(last[15]), counted = D(last[16]), low = D(last[17]);
        Assert.Equal(cLi - 2 * sigma, low, 12);
        Assert.True(sigma is > 0 and < 0.01, $"σ {sigma}");
        Assert.NotEqual(cLi, counted);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "summary.json")));
        var root = doc.RootElement;
        Assert.Equal(sigma, root.GetProperty("final_c_li_sigma").GetDouble(), 12);
        Assert.Equal(counted, root.GetProperty("final_c_li_counted").GetDouble(), 12);
        Assert.InRange(root.GetProperty("q_li_estimate_Ah").GetDouble(), QTrue * 0.98, QTrue * 1.02);
        Assert.Equal(3, root.GetProperty("lithium_inventory").GetArrayLength()); // the file starts with a charge: no cycle 0
        Assert.True(root.GetProperty("measurements").GetProperty("diffraction").GetProperty("applied").GetInt32() > 0);
        string html = File.ReadAllText(Path.Combine(_out, "report.html"));
        Assert.Contains("c_Li at end of charge ± σ", html);
    }

    [Fact]
    public void A_lattice_csv_corrects_counting_like_the_patterns()
    {
        var r = Replay(With(lattice: _files.LatticeCsv));
        var charges = r.Inventory.Where(c => c.Cycle > 0).ToList();
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(charges[i].LowestCLi - _files.EndsOfCharge[i].CLi) <= 0.01, $"charge {i + 1}: {charges[i].LowestCLi} vs {_files.EndsOfCharge[i].CLi}");
        var rows = Csv(Path.Combine(_out, "measurements.csv"));
        Assert.Equal(_files.Patterns.Count, rows.Count);
        Assert.Equal("lattice.csv row 1", rows[0][2]);
    }

    [Fact]
    public void A_broken_or_undated_pattern_gets_its_reason_and_no_number()
    {
        string dir = Repo.TempDir("patterns-bad");
        try
        {
            foreach (var f in Directory.GetFiles(_files.PatternsDir).Order(StringComparer.Ordinal).Take(3)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            File.WriteAllText(Path.Combine(dir, "zz-broken.xy"), "# start_unix_ns: 1767225600000000000\n# 2th_deg I\n2.0 10\n2.1 abc\n");
            var undated = File.ReadAllLines(Path.Combine(dir, "p0001.xy")).Where(l => !l.Contains("unix_ns")).ToArray();
            File.WriteAllLines(Path.Combine(dir, "zz-undated.xy"), undated);
            Replay(With(patterns: dir));
            var rows = Csv(Path.Combine(_out, "measurements.csv"));
            // Rows without a time come first, then the rest in time order.
            var broken = rows.Single(r => r[2] == "zz-broken.xy");
            Assert.Equal("no_measurement", broken[14]);
            Assert.Equal("", broken[6]);
            Assert.Contains("zz-broken.xy line 4", string.Join(',', broken[15..]));
            var undatedRow = rows.Single(r => r[2] == "zz-undated.xy");
            Assert.Equal("no_measurement", undatedRow[14]);
            Assert.Equal("", undatedRow[6]);
            Assert.Contains("no start_unix_ns", string.Join(',', undatedRow[15..]));
            Assert.Equal(3, rows.Count(r => r[14] == "applied" || r[14] == "gated_inflated"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Patterns_with_unix_times_and_a_file_without_a_start_time_need_test_start()
    {
        string dir = Repo.TempDir("operando-nostart");
        try
        {
            var files = new OperandoFiles(dir, QTrue, CLi0, cycles: 1, unixTimeColumn: false);
            var r = TwinProcess.Run("replay", files.CyclerFile, "--material", "NMC811", "--q-li-ah", "0.0053", "--c-li0", "0.90",
                "--patterns", files.PatternsDir, "--out", Path.Combine(dir, "out"), "--no-progress");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("records no start time: give --test-start", r.Err);

            r = TwinProcess.Run("replay", files.CyclerFile, "--material", "NMC811", "--q-li-ah", "0.0053", "--c-li0", "0.90",
                "--patterns", files.PatternsDir, "--test-start", "2026-01-01T01:00:00+01:00", "--out", Path.Combine(dir, "out"), "--no-progress");
            Assert.True(r.ExitCode == 0, r.Err + r.Out);
            Assert.Contains("lithium inventory per cycle", r.Out);
            Assert.Matches(@"diffraction: \d+ applied", r.Out);
            var rows = Csv(Path.Combine(dir, "out", "measurements.csv"));
            Assert.Equal(files.Patterns[0].TimeS, D(rows[0][0]), 6);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
