using System.Globalization;
using Twin.Cli.Replay;
using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Materials;
using Twin.Core.Ocv;
using Twin.Core.RestVoltage;
using Twin.Data.Readers;

namespace Twin.Cli.Tests;

/// <summary>
/// The shipped LG M50 file (NMC811 | graphite-SiOx full cell) replayed with its rests as measurements
/// (<c>--counter-electrode graphite</c>): what σ and the lithium inventory say about the +0.003 per cycle drift of
/// counted c_Li at the ends of the CV holds.
/// </summary>
public sealed class LgM50RestReplayTests : IDisposable
{
    private readonly string _dir = Repo.TempDir("lgm50-rest");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ReplayResult Replay(double slopeMVPerHour, OcpScale scale)
    {
        var cell = CellConfig.WithDefaults("lg-m50", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80) with { CounterElectrode = CounterElectrode.Graphite };
        var options = MeasurementOptions.None with { Relaxation = RelaxationOptions.Default with { MaxSlopeMVPerHour = slopeMVPerHour }, CLiScale = scale };
        return ReplayRunner.Run(new ReplayRequest(Repo.LgM50, cell, ReaderOptions.Default, _dir, options));
    }

    private List<string[]> Rows() => [.. File.ReadLines(Path.Combine(_dir, "measurements.csv")).Skip(1).Select(l => l.Split(','))];

    [Fact]
    public void At_the_default_1_mV_per_hour_no_rest_is_relaxed_and_counting_is_unchecked()
    {
        var r = Replay(1.0, OcpScale.NormalisedStoichiometry);
        Assert.Equal(10, r.Measurements["rest_voltage"]["no_measurement"]);
        Assert.Single(r.Measurements["rest_voltage"]);
        Assert.All(r.Inventory, c => Assert.Equal(LithiumDiagnosis.NoMeasurement, c.Diagnosis));
        // σ grows with the charge passed: about 0.024 at the first end of charge, more at the last.
        var charges = r.Inventory.Where(c => c.Cycle > 0).ToList();
        Assert.InRange(charges[0].LowestSigma, 0.02, 0.03);
        Assert.True(charges[^1].LowestSigma > charges[0].LowestSigma);
    }

    [Fact]
    public void At_5_mV_per_hour_the_four_top_of_charge_rests_anchor_c_li_and_the_counting_drift_shows()
    {
        var r = Replay(5.0, OcpScale.NormalisedStoichiometry);
        Assert.Equal(4, r.Measurements["rest_voltage"]["applied"] + r.Measurements["rest_voltage"].GetValueOrDefault("gated_inflated"));
        var applied = Rows().Where(x => x[14] is "applied" or "gated_inflated").ToList();
        Assert.Equal(4, applied.Count);
        Assert.All(applied, x =>
        {
            Assert.InRange(double.Parse(x[6], CultureInfo.InvariantCulture), 0.260, 0.265); // c_Li from the OCP, Chen's scale
            Assert.InRange(double.Parse(x[7], CultureInfo.InvariantCulture), 0.0005, 0.002); // its σ
        });
        var charges = r.Inventory.Where(c => c.Cycle > 0).ToList();
        // Counting drifts by about +0.003 per cycle; from the second charge on the estimate stays at the rests' value.
        for (int i = 1; i < charges.Count; i++)
            Assert.InRange(charges[i].LowestCountedCLi - charges[i - 1].LowestCountedCLi, 0.002, 0.004);
        Assert.All(charges.Skip(1), c => Assert.InRange(c.LowestCLi, 0.255, 0.270));
        // σ at an end of charge, a cycle after the last rest: the rests' 0.0012 grown by the Q_Li random walk over that
        // cycle's charge (2·10⁻² per √(unit c_Li), docs/model.md §6) to about 0.007 — against 0.025–0.035 from counting alone
        Assert.All(charges.Skip(2), c => Assert.True(c.LowestSigma < 0.008, $"σ {c.LowestSigma}"));
        Assert.All(charges, c => Assert.NotEqual(LithiumDiagnosis.NoMeasurement, c.Diagnosis));
        Assert.All(charges.Skip(1), c => Assert.NotEqual(LithiumDiagnosis.Consistent, c.Diagnosis));
    }

    [Fact]
    public void A_table_on_another_scale_gives_no_measurement_and_says_which_option_to_set()
    {
        var r = Replay(5.0, OcpScale.LithiumPerFormulaUnit);
        Assert.False(r.Measurements["rest_voltage"].ContainsKey("applied"));
        var rows = Rows().Where(x => string.Join(',', x).Contains("--c-li-scale")).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, x => Assert.Equal("", x[6]));
        Assert.All(r.Inventory, c => Assert.Equal(LithiumDiagnosis.NoMeasurement, c.Diagnosis));
    }
}
