using System.Text.Json;
using Twin.Core.Cells;
using Twin.Core.Cutoff;
using Twin.Core.Estimation;
using Twin.Core.Materials;
using Twin.Core.Samples;

namespace Twin.Core.Tests.Estimation;

/// <summary>Operator corrections of c_Li, c_Li0 and Q_Li, a changed experiment file on restart, and safety on the bound.</summary>
public class OperatorCorrectionTests
{
    private static CellConfig Config(double qLiAh = 1.0, double cLi0 = 0.95) =>
        CellConfig.WithDefaults("c1", MaterialCatalog.Default.Get("NMC811"), qLiAh, cLi0);

    /// <summary>A cell known to age slowly: Q_Li random walk 10⁻³ (the default 10⁻² follows an accelerated ageing test). A new
    /// Q_Li prior recounts the estimate exactly to first order in that walk: to 4 decimals here, to 3 with the default.</summary>
    private static CellConfig SlowlyAgeing(double qLiAh = 1.0) =>
        Config(qLiAh) with { Estimator = LithiumFilterSettings.Default with { QLiDriftRelativePerSqrtCLi = 1e-3 } };

    /// <summary>A charge at 0.5 A in 10 s samples, no counter: 1/720 of Q_Li = 1 A·h per sample.</summary>
    private static IEnumerable<CyclerSample> Charge(int samples, double t0 = 0)
    {
        for (int k = 0; k < samples; k++) yield return new(t0 + 10 * k, 3.7 + k * 1e-4, 0.5, double.NaN, 0, 1, 0, StepKind.Charge);
    }

    private static TwinOutput Run(CellTwin twin, IEnumerable<CyclerSample> samples)
    {
        TwinOutput o = default;
        foreach (var s in samples) o = twin.Update(s);
        return o;
    }

    [Fact]
    public void A_new_c_li0_recounts_the_estimate_exactly_and_keeps_sigma_and_the_counted_value()
    {
        var twin = new CellTwin(Config());
        var o = Run(twin, Charge(200));
        var change = twin.ChangePrior(LithiumPrior.CLi0, 0.90);
        Assert.Equal((LithiumPrior.CLi0, 0.95, 0.90), (change.Parameter, change.Before, change.After));
        // counting only: c_Li0' − Q/Q_Li, as a twin started at 0.90 would say
        Assert.Equal(0.90 - twin.Estimator.ChargeAh / 1.0, twin.CLi, 12);
        Assert.Equal(o.CLi - 0.05, change.CLiAfter, 12);
        Assert.Equal(o.CLiSigma, twin.Estimator.Sigma, 15);
        Assert.Equal(0.90, twin.Estimator.CLi0, 12);
        Assert.Equal(0.90, twin.Estimator.PriorCLi0);
        Assert.Equal(o.CLiCounted, twin.Estimator.CountedCLi); // counted c_Li keeps the experiment file's values
        var next = twin.Update(new CyclerSample(2000, 3.8, 0.5, double.NaN, 0, 1, 0, StepKind.Charge));
        Assert.Equal(0.90 - next.ChargeAh, next.CLi, 12);
    }

    [Fact]
    public void A_new_q_li_recounts_the_estimate_to_first_order_in_its_random_walk()
    {
        var twin = new CellTwin(SlowlyAgeing());
        Run(twin, Charge(300));
        double q = twin.Estimator.ChargeAh;
        var change = twin.ChangePrior(LithiumPrior.QLi, 1.05);
        Assert.Equal(0.95 - q / 1.05, change.CLiAfter, 4);
        Assert.Equal(1.05, twin.Estimator.QLiAh, 3);
        Assert.Equal(1.05, twin.Estimator.PriorQLiAh);
    }

    [Fact]
    public void After_a_precise_measurement_a_new_c_li0_hardly_moves_the_measured_c_li()
    {
        var twin = new CellTwin(Config());
        var o = Run(twin, Charge(200));
        twin.Observe(new LithiumMeasurement(o.TimeS, o.CLi - 0.01, 0.002, LithiumMeasurementKind.Diffraction));
        double measured = twin.CLi;
        var change = twin.ChangePrior(LithiumPrior.CLi0, 0.90);
        // c_Li was measured: the start value matters little for it now (the slope is Cov(c_Li, c_Li0)/σ(c_Li0)²)
        Assert.InRange(Math.Abs(change.CLiAfter - measured), 0, 0.01);
        Assert.True(Math.Abs(change.CLiAfter - measured) < 0.2 * 0.05, $"moved {change.CLiAfter - measured}");
    }

    [Fact]
    public void An_operator_value_of_c_li_is_applied_past_the_gate_and_reported()
    {
        var gated = new CellTwin(Config());
        var operated = new CellTwin(Config());
        var o = Run(gated, Charge(200));
        Run(operated, Charge(200));
        var viaGate = gated.Observe(new LithiumMeasurement(o.TimeS, 0.40, 0.002, LithiumMeasurementKind.Operator));
        Assert.Equal(LithiumUpdateStatus.GatedInflated, viaGate.Status);
        Assert.True(gated.CLi > 0.45, $"the gate let c_Li reach {gated.CLi}");
        var r = operated.Correct(0.40, 0.002);
        Assert.Equal(LithiumUpdateStatus.Applied, r.Status);
        Assert.True(Math.Abs(r.NormalizedInnovation) > 4, $"d = {r.NormalizedInnovation}");
        Assert.Equal(0.40, operated.CLi, 2);
        Assert.True(operated.Estimator.Sigma < 0.0021);
        var next = operated.Update(new CyclerSample(o.TimeS + 10, 3.9, 0.5, double.NaN, 0, 1, 0, StepKind.Charge));
        Assert.Equal(0.40 - 1.0 / 720, next.CLi, 2);
    }

    [Theory]
    [InlineData(double.NaN, 0.01)]
    [InlineData(1.5, 0.01)]
    [InlineData(-0.1, 0.01)]
    [InlineData(0.5, 0)]
    [InlineData(0.5, double.PositiveInfinity)]
    public void An_invalid_operator_value_is_refused_and_changes_nothing(double cLi, double sigma)
    {
        var twin = new CellTwin(Config());
        Run(twin, Charge(50));
        var before = twin.Estimator.State;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => twin.Correct(cLi, sigma));
        Assert.Contains(double.IsNaN(cLi) || cLi is < 0 or > 1.2 ? "c_Li must lie in [0, 1.2]" : "σ of c_Li", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => twin.ChangePrior(LithiumPrior.CLi0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => twin.ChangePrior(LithiumPrior.QLi, double.NaN));
        Assert.Equal(before, twin.Estimator.State);
    }

    [Fact]
    public void Corrections_outlive_a_checkpoint_and_an_unchanged_file_changes_nothing()
    {
        var twin = new CellTwin(Config());
        Run(twin, Charge(200));
        twin.ChangePrior(LithiumPrior.CLi0, 0.90);
        twin.Correct(0.60, 0.01);
        string json = JsonSerializer.Serialize(twin.Checkpoint(), TwinJsonContext.Default.TwinCheckpoint);
        var resumed = new CellTwin(Config(), JsonSerializer.Deserialize(json, TwinJsonContext.Default.TwinCheckpoint)!);
        Assert.Empty(resumed.ConfigChanges);
        Assert.Equal(twin.Estimator.State, resumed.Estimator.State);
        Assert.Equal(0.90, resumed.Estimator.PriorCLi0);
    }

    [Fact]
    public void A_changed_c_li0_in_the_experiment_file_is_applied_on_restart_as_if_the_run_had_started_from_it()
    {
        var samples = Charge(400).ToArray();
        var old = new CellTwin(Config(cLi0: 0.95));
        Run(old, samples.Take(200));
        var fresh = new CellTwin(Config(cLi0: 0.90));
        Run(fresh, samples.Take(200));

        var resumed = new CellTwin(Config(cLi0: 0.90), old.Checkpoint());
        var change = Assert.Single(resumed.ConfigChanges);
        Assert.Equal((LithiumPrior.CLi0, 0.95, 0.90), (change.Parameter, change.Before, change.After));
        Assert.Equal(fresh.CLi, resumed.CLi, 12);
        Assert.Equal(fresh.Estimator.CountedCLi, resumed.Estimator.CountedCLi, 12);
        Assert.Equal(fresh.Estimator.Sigma, resumed.Estimator.Sigma, 12);
        var a = Run(fresh, samples.Skip(200));
        var b = Run(resumed, samples.Skip(200));
        Assert.Equal(a.CLi, b.CLi, 12);
        Assert.Equal(a.CLiCounted, b.CLiCounted, 12);
        Assert.Equal(a.Decision, b.Decision);
    }

    [Fact]
    public void A_changed_q_li_in_the_experiment_file_is_applied_on_restart()
    {
        var samples = Charge(300).ToArray();
        var old = new CellTwin(SlowlyAgeing(qLiAh: 1.0));
        Run(old, samples);
        var fresh = new CellTwin(SlowlyAgeing(qLiAh: 1.1));
        Run(fresh, samples);
        var resumed = new CellTwin(SlowlyAgeing(qLiAh: 1.1), old.Checkpoint());
        var change = Assert.Single(resumed.ConfigChanges);
        Assert.Equal((LithiumPrior.QLi, 1.0, 1.1), (change.Parameter, change.Before, change.After));
        Assert.Equal(fresh.CLi, resumed.CLi, 4);
        Assert.Equal(fresh.Estimator.CountedCLi, resumed.Estimator.CountedCLi, 12);
    }

    [Fact]
    public void A_file_edited_to_the_operators_value_is_not_applied_twice()
    {
        var twin = new CellTwin(Config(cLi0: 0.95));
        Run(twin, Charge(200));
        twin.ChangePrior(LithiumPrior.CLi0, 0.90);
        double cLi = twin.CLi;
        var resumed = new CellTwin(Config(cLi0: 0.90), twin.Checkpoint());
        var change = Assert.Single(resumed.ConfigChanges);
        Assert.Equal(cLi, change.CLiAfter, 12);
        Assert.Equal(cLi, resumed.CLi, 12);
        Assert.Equal(0.90 - resumed.Estimator.ChargeAh, resumed.Estimator.CountedCLi, 12);
    }

    [Fact]
    public void A_changed_file_applies_to_a_checkpoint_written_before_the_filter_existed()
    {
        var old = new CellTwin(Config(cLi0: 0.95));
        Run(old, Charge(200));
        var legacy = old.Checkpoint() with { Filter = null };
        var resumed = new CellTwin(Config(cLi0: 0.90), legacy);
        Assert.Single(resumed.ConfigChanges);
        Assert.Equal(0.90 - resumed.Estimator.ChargeAh, resumed.CLi, 12);
    }

    [Fact]
    public void A_measurement_that_shrinks_sigma_lets_the_charge_run_closer_to_c_li_min()
    {
        static TwinOutput FirstStop(CellTwin twin, Action<CellTwin, TwinOutput>? atStart = null)
        {
            TwinOutput o = default;
            int k = 0;
            foreach (var s in Charge(1000))
            {
                o = twin.Update(s);
                if (k++ == 10) atStart?.Invoke(twin, o);
                if (o.Decision != CutoffDecision.Continue) return o;
            }
            throw new InvalidOperationException("no cut-off");
        }
        var counting = FirstStop(new CellTwin(Config()));
        var measured = FirstStop(new CellTwin(Config()), (t, o) => t.Observe(new LithiumMeasurement(o.TimeS, o.CLi, 0.003, LithiumMeasurementKind.Diffraction)));
        Assert.Equal(CutoffDecision.StopLithium, counting.Decision);
        Assert.Equal(CutoffDecision.StopLithium, measured.Decision);
        Assert.InRange(counting.CLiLowerBound, 0.3985, 0.40);
        Assert.InRange(measured.CLiLowerBound, 0.3985, 0.40);
        // counting only: σ ≈ 0.025 → stop at c_Li ≈ 0.45; measured near the start: σ ≈ 0.015 → stop near 0.43
        Assert.True(counting.CLi > 0.445, $"counting stopped at {counting.CLi}");
        Assert.True(measured.CLi < counting.CLi - 0.01, $"measured stopped at {measured.CLi}, counting at {counting.CLi}");
        Assert.Equal(measured.CLi - 2 * measured.CLiSigma, measured.CLiLowerBound, 12);
    }
}
