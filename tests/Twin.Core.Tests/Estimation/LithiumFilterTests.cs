using Twin.Core.Estimation;
using Twin.Core.Lithium;
using Twin.Core.Samples;

namespace Twin.Core.Tests.Estimation;

public class LithiumFilterTests
{
    private static readonly LithiumFilterSettings Defaults = LithiumFilterSettings.Default;

    private static CyclerSample Charge(double t, double currentA) => new(t, 3.8, currentA, double.NaN, 0, 1, 0, StepKind.Charge);

    [Fact]
    public void Without_measurements_the_estimate_is_the_counted_c_li_bit_for_bit()
    {
        var filter = new LithiumFilter(0.93, 4.1, Defaults);
        var counter = new LithiumEstimator(0.93, 4.1);
        var cell = new SyntheticCell(4.1, 0.93, 0.8, 0.0, stepS: 7.3);
        foreach (var s in cell.Charge(0.35).Concat(cell.Rest(3600)).Concat(cell.Discharge(0.9)).Concat(cell.Charge(0.4)))
        {
            double expected = counter.Update(s);
            double actual = filter.Update(s);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(filter.CountedCLi));
        }
        Assert.Equal(4.1, filter.QLiAh);
        Assert.Equal(0, filter.CurrentOffsetA);
    }

    [Fact]
    public void Sigma_grows_with_charge_passed_and_with_time_and_from_charge_to_charge()
    {
        var filter = new LithiumFilter(0.95, 1.0, Defaults);
        double sigma0 = filter.Sigma;
        Assert.Equal(Defaults.CLi0Sigma, sigma0, 12);
        var cell = new SyntheticCell(1.0, 0.95, 0.2, 0.0);

        double last = sigma0;
        foreach (var s in cell.Charge(0.45))
        {
            filter.Update(s);
            Assert.True(filter.Sigma >= last, $"σ fell during the charge at t = {s.TimeS}: {filter.Sigma} < {last}");
            last = filter.Sigma;
        }
        double afterCharge = filter.Sigma;
        // 0.5 of c_Li with Q_Li known to 3 % and the gain to 0.03 %: at least the 1.5 % of that part.
        Assert.True(afterCharge > Math.Sqrt(sigma0 * sigma0 + 0.015 * 0.015), $"σ after the charge {afterCharge}");

        foreach (var s in cell.Rest(24 * 3600))
        {
            filter.Update(s);
            Assert.True(filter.Sigma > last, $"σ did not grow at rest at t = {s.TimeS}");
            last = filter.Sigma;
        }

        // From one end of charge to the next the σ only grows (the offset acts over time, Q_Li drifts with throughput).
        double previousEnd = filter.Sigma;
        for (int cycle = 0; cycle < 5; cycle++)
        {
            foreach (var s in cell.Discharge(0.95).Concat(cell.Charge(0.45))) filter.Update(s);
            Assert.True(filter.Sigma > previousEnd, $"cycle {cycle}: σ at the end of charge {filter.Sigma} ≤ {previousEnd}");
            previousEnd = filter.Sigma;
        }
        Assert.Equal(filter.CLi - 2 * filter.Sigma, filter.LowerBound, 15);
    }

    [Fact]
    public void Sigma_after_a_charge_is_the_propagated_prior()
    {
        // c_Li = c_Li0 − u·Q + β·τ with independent priors: Var = σ0² + Q²σu² + τ²σβ² (+ the random walks, switched off here).
        var settings = Defaults with { QLiDriftRelativePerSqrtCLi = 0, OffsetRandomWalkAPerSqrtS = 0 };
        var filter = new LithiumFilter(0.9, 2.0, settings);
        for (int k = 0; k <= 3600; k++) filter.Update(Charge(k, 1.0));
        double q = 1.0, tau = 3600, u = 0.5;
        double varU = u * u * (0.03 * 0.03 + 3e-4 * 3e-4);
        double sb = u * settings.OffsetSigmaA(2.0) / 3600;
        double expected = Math.Sqrt(0.02 * 0.02 + q * q * varU + tau * tau * sb * sb);
        Assert.Equal(expected, filter.Sigma, 12);
    }

    [Fact]
    public void A_current_offset_of_c_over_2500_is_tracked_within_2_sigma_and_recovered()
    {
        // Capacity 0.5 A·h (c_Li 0.9 ↔ 0.4 on Q_Li = 1 A·h), C/5 = 0.1 A, offset C/2500 = 0.2 mA; c_Li0 typed 0.01 off.
        const double qLi = 1.0, offset = 0.5 / 2500;
        var cell = new SyntheticCell(qLi, 0.89, 0.1, offset, seed: 7);
        // A cell known to age slowly (Q_Li random walk 10⁻³ instead of the default 10⁻², which follows an accelerated
        // ageing test): with one measurement per charge, the wider Q_Li walk leaves the offset known to 35 %, not 24 %.
        var filter = new LithiumFilter(0.90, qLi, Defaults with { QLiDriftRelativePerSqrtCLi = 1e-3 });
        int checks = 0, inside = 0;
        double worstEndOfCharge = 0, countedEndOfCharge = 0;
        void Check()
        {
            checks++;
            if (Math.Abs(filter.CLi - cell.TrueCLi) <= 2 * filter.Sigma) inside++;
        }

        for (int cycle = 1; cycle <= 100; cycle++)
        {
            foreach (var s in cell.Charge(0.4)) filter.Update(s);
            Check();
            if (cycle > 50) worstEndOfCharge = Math.Max(worstEndOfCharge, Math.Abs(filter.CLi - cell.TrueCLi));
            countedEndOfCharge = filter.CountedCLi - cell.TrueCLi;
            var r = filter.Observe(cell.Measure(0.005)); // one pattern at every end of charge
            Assert.True(r.Changed, $"cycle {cycle}: {r.Status}");
            foreach (var s in cell.Rest(1800).Concat(cell.Discharge(0.9)).Concat(cell.Rest(1800))) filter.Update(s);
            Check();
        }

        // Counting alone ends the 100th charge 0.2 below the truth (C/2500 over 1,000 h on Q_Li = 1 A·h).
        Assert.True(countedEndOfCharge < -0.15, $"counting alone should be far off: {countedEndOfCharge}");
        Assert.True(inside >= 0.9 * checks, $"{inside} of {checks} checks within 2σ");
        Assert.True(worstEndOfCharge < 0.01, $"estimate off by {worstEndOfCharge} at an end of charge of the last 50 cycles");
        // Recovered: consistent with the truth within 3σ, and known to better than 30 % (the prior σ was 250 % of it).
        Assert.True(Math.Abs(filter.CurrentOffsetA - offset) <= 3 * filter.CurrentOffsetSigmaA,
            $"offset {filter.CurrentOffsetA} ± {filter.CurrentOffsetSigmaA} vs {offset}");
        Assert.True(filter.CurrentOffsetSigmaA < 0.3 * offset, $"offset σ {filter.CurrentOffsetSigmaA} vs {offset}");
    }

    [Fact]
    public void A_q_li_off_by_5_percent_is_learnt_within_2_percent()
    {
        const double qTrue = 1.05;
        var cell = new SyntheticCell(qTrue, 0.9, 0.1, 0.0, seed: 11);
        var filter = new LithiumFilter(0.9, 1.0, Defaults);
        int checks = 0, inside = 0;
        double countedOff = 0;
        for (int cycle = 1; cycle <= 10; cycle++)
        {
            foreach (var s in cell.Charge(0.4)) filter.Update(s);
            countedOff = Math.Max(countedOff, Math.Abs(filter.CountedCLi - cell.TrueCLi));
            checks++;
            if (Math.Abs(filter.CLi - cell.TrueCLi) <= 2 * filter.Sigma) inside++;
            filter.Observe(cell.Measure(0.005));
            foreach (var s in cell.Discharge(0.9)) filter.Update(s);
            checks++;
            if (Math.Abs(filter.CLi - cell.TrueCLi) <= 2 * filter.Sigma) inside++;
            filter.Observe(cell.Measure(0.005));
        }
        Assert.True(Math.Abs(filter.QLiAh / qTrue - 1) <= 0.02, $"Q_Li {filter.QLiAh} ± {filter.QLiSigmaAh} vs {qTrue}");
        Assert.True(Math.Abs(filter.QLiAh - qTrue) <= 3 * filter.QLiSigmaAh, $"Q_Li {filter.QLiAh} ± {filter.QLiSigmaAh} vs {qTrue}");
        Assert.True(inside >= 0.9 * checks, $"{inside} of {checks} checks within 2σ");
        Assert.True(countedOff > 0.02, $"counting alone should be off by 5 % of the 0.5 swing at the end of charge: {countedOff}");
    }

    [Theory]
    [InlineData(GatePolicy.Inflate)]
    [InlineData(GatePolicy.Reject)]
    public void An_outlier_is_gated_and_reported(GatePolicy policy)
    {
        var cell = new SyntheticCell(1.0, 0.9, 0.1, 0.0, seed: 3);
        var filter = new LithiumFilter(0.9, 1.0, Defaults with { Gate = policy });
        foreach (var s in cell.Charge(0.6)) filter.Update(s);
        Assert.Equal(LithiumUpdateStatus.Applied, filter.Observe(cell.Measure(0.005)).Status);
        foreach (var s in cell.Charge(0.5)) filter.Update(s);

        double before = filter.CLi, sigmaBefore = filter.Sigma;
        var outlier = cell.Measure(0.005) with { CLi = cell.TrueCLi + 0.15 };
        var r = filter.Observe(outlier);

        Assert.True(r.Gated);
        Assert.True(r.NormalizedInnovation > Defaults.GateSigmas, $"d = {r.NormalizedInnovation}");
        Assert.Equal(before, r.CLiBefore);
        Assert.Equal(1, filter.MeasurementsGated);
        if (policy == GatePolicy.Reject)
        {
            Assert.Equal(LithiumUpdateStatus.GatedRejected, r.Status);
            Assert.Equal(before, filter.CLi);
            Assert.Equal(sigmaBefore, filter.Sigma);
            Assert.Equal(1, filter.MeasurementsApplied);
        }
        else
        {
            Assert.Equal(LithiumUpdateStatus.GatedInflated, r.Status);
            // Inflated until the innovation sits on the gate: the estimate moves by at most P·k²/|ν| ≪ |ν|.
            double bound = sigmaBefore * sigmaBefore * Defaults.GateSigmas * Defaults.GateSigmas / Math.Abs(r.Innovation);
            Assert.InRange(filter.CLi - before, 0, bound * 1.0000001);
            Assert.True(filter.CLi - before < 0.1 * r.Innovation);
            Assert.Equal(2, filter.MeasurementsApplied);
        }
    }

    [Fact]
    public void A_late_measurement_is_placed_on_the_charge_counted_since_it()
    {
        var cell = new SyntheticCell(1.0, 0.9, 0.1, 0.0, stepS: 10, seed: 5);
        var filter = new LithiumFilter(0.9, 1.0, Defaults);
        foreach (var s in cell.Charge(0.6)) filter.Update(s);
        double estimateThen = filter.CLi;
        var m = new LithiumMeasurement(cell.TimeS, estimateThen + 0.01, 0.005, LithiumMeasurementKind.Diffraction);
        foreach (var s in cell.Charge(0.55)) filter.Update(s); // about 180 samples later

        var r = filter.Observe(m);
        Assert.Equal(LithiumUpdateStatus.Applied, r.Status);
        Assert.Equal(estimateThen, r.PredictedCLi, 12);
        Assert.Equal(0.01, r.Innovation, 12);
        Assert.True(r.CLiAfter > r.CLiBefore);
    }

    [Fact]
    public void Measurements_that_cannot_be_placed_are_refused_with_the_reason()
    {
        var cell = new SyntheticCell(1.0, 0.9, 0.1, 0.0, stepS: 1, seed: 5);
        var filter = new LithiumFilter(0.9, 1.0, Defaults);
        foreach (var s in cell.Charge(0.8)) filter.Update(s); // 3,600 samples, 1 s apart: the ring keeps the last 512
        double c = filter.CLi, sigma = filter.Sigma;
        var now = cell.Measure(0.005);

        Assert.Equal(LithiumUpdateStatus.AheadOfSamples, filter.Observe(now with { TimeS = now.TimeS + 1 }).Status);
        Assert.Equal(LithiumUpdateStatus.TooOld, filter.Observe(now with { TimeS = now.TimeS - 600 }).Status);
        Assert.Equal(LithiumUpdateStatus.Unusable, filter.Observe(now with { Sigma = 0 }).Status);
        Assert.Equal(LithiumUpdateStatus.Unusable, filter.Observe(now with { CLi = double.NaN }).Status);
        Assert.Equal(c, filter.CLi);
        Assert.Equal(sigma, filter.Sigma);
        Assert.Equal(0, filter.MeasurementsApplied);
        Assert.Equal(LithiumUpdateStatus.Applied, filter.Observe(now with { TimeS = now.TimeS - 500 }).Status);
    }

    [Fact]
    public void A_measurement_shrinks_sigma_and_refines_c_li0()
    {
        var filter = new LithiumFilter(0.9, 1.0, Defaults);
        filter.Update(Charge(0, 0));
        var r = filter.Observe(new LithiumMeasurement(0, 0.91, 0.005, LithiumMeasurementKind.Operator));
        Assert.Equal(LithiumUpdateStatus.Applied, r.Status);
        // Scalar update at the start: the posterior is the precision-weighted mean of 0.90 ± 0.02 and 0.91 ± 0.005.
        double w = 1 / (0.02 * 0.02), wm = 1 / (0.005 * 0.005);
        Assert.Equal((0.90 * w + 0.91 * wm) / (w + wm), filter.CLi, 12);
        Assert.Equal(Math.Sqrt(1 / (w + wm)), filter.Sigma, 12);
        Assert.Equal(filter.CLi, filter.CLi0, 12);
        Assert.Equal(filter.Sigma, filter.CLi0Sigma, 12);
    }

    [Fact]
    public void Update_and_observe_allocate_nothing()
    {
        var filter = new LithiumFilter(0.9, 1.0, Defaults);
        filter.Update(Charge(0, 0.1));
        var m = new LithiumMeasurement(0, 0.9, 0.005, LithiumMeasurementKind.Diffraction);
        filter.Observe(m);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 1; k < 10_000; k++)
        {
            filter.Update(Charge(k, 0.1));
            if (k % 100 == 0) filter.Observe(m with { TimeS = k - 50, CLi = filter.CLi });
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Resuming_from_the_state_continues_bit_for_bit()
    {
        var cell = new SyntheticCell(1.02, 0.9, 0.1, 1e-4, stepS: 30, seed: 9);
        var samples = cell.Charge(0.5).ToArray();
        var straight = new LithiumFilter(0.9, 1.0, Defaults);
        var first = new LithiumFilter(0.9, 1.0, Defaults);
        for (int i = 0; i < 400; i++) { straight.Update(samples[i]); first.Update(samples[i]); }
        var m = new LithiumMeasurement(samples[399].TimeS, 0.7, 0.005, LithiumMeasurementKind.Diffraction);
        straight.Observe(m);
        first.Observe(m);
        var resumed = new LithiumFilter(first.CountingState, first.State, Defaults);
        for (int i = 400; i < samples.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(straight.Update(samples[i])), BitConverter.DoubleToInt64Bits(resumed.Update(samples[i])));
            Assert.Equal(straight.Sigma, resumed.Sigma);
        }
        Assert.Equal(straight.State, resumed.State);
    }

    [Fact]
    public void Invalid_settings_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new LithiumFilter(0.9, 1.0, Defaults with { QLiRelativeSigma = -0.1 }));
        Assert.Contains("Q_Li relative σ", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new LithiumFilter(0.9, 1.0, Defaults with { CurrentOffsetSigmaA = double.NaN }));
        Assert.Contains("current offset σ", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new LithiumFilter(0.9, 1.0, Defaults with { BoundSigmas = 0 }));
        Assert.Contains("lower bound", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new LithiumFilter(0.9, 1.0, Defaults with { Gate = (GatePolicy)7 }));
        Assert.Contains("gate policy", e.Message, StringComparison.Ordinal);
    }
}
