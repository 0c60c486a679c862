using Twin.Core.RestVoltage;
using Twin.Core.Samples;

namespace Twin.Core.Tests;

public class RelaxationDetectorTests
{
    private const double CapacityAh = 5.0;

    private static CyclerSample Sample(double t, double v, double i) =>
        new(t, v, i, double.NaN, 0, 0, 0, i == 0 ? StepKind.Rest : StepKind.Charge);

    /// <summary>A charge, then a rest relaxing exponentially to <paramref name="vInf"/> with Gaussian noise, then a discharge.</summary>
    private static List<CyclerSample> Relaxation(double vInf, double amplitudeV, double tauS, double restS, double noiseV, double dtS, int seed,
        double driftVPerS = 0)
    {
        var rng = new Random(seed);
        var list = new List<CyclerSample>();
        double t = 0;
        for (; t < 600; t += dtS) list.Add(Sample(t, vInf + amplitudeV + 0.05, 1.0));
        double start = t;
        for (; t < start + restS; t += dtS)
        {
            double noise = noiseV * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            list.Add(Sample(t, vInf + amplitudeV * Math.Exp(-(t - start) / tauS) + driftVPerS * (t - start) + noise, 0));
        }
        list.Add(Sample(t, vInf - 0.05, -1.0));
        return list;
    }

    private static List<RestObservation> Run(RelaxationDetector d, IEnumerable<CyclerSample> samples)
    {
        var found = new List<RestObservation>();
        foreach (var s in samples)
            if (d.Add(s, out var o)) found.Add(o);
        if (d.Complete(out var last)) found.Add(last);
        return found;
    }

    [Fact]
    public void Noisy_exponential_relaxation_is_found_once_with_the_fitted_voltage()
    {
        // τ = 20 min, 30 mV: |dV/dt| = 90 mV/h · e^(−t/τ) falls below 1 mV/h after τ·ln 90 = 90 min.
        const double vInf = 4.1, a = 0.030, tau = 1200;
        var samples = Relaxation(vInf, a, tau, restS: 4 * 3600, noiseV: 2e-4, dtS: 10, seed: 1);
        // Sample-to-sample differences are far above the threshold: 0.2 mV noise per 10 s is ~100 mV/h.
        double maxStep = samples.Skip(1).Zip(samples).Where(p => p.First.CurrentA == 0 && p.Second.CurrentA == 0)
            .Max(p => Math.Abs(p.First.VoltageV - p.Second.VoltageV) / (p.First.TimeS - p.Second.TimeS)) * 3.6e6;
        Assert.True(maxStep > 50, $"largest two-sample slope {maxStep:0} mV/h");

        var d = new RelaxationDetector(CapacityAh);
        var rests = Run(d, samples);

        var r = Assert.Single(rests);
        Assert.Equal(RestOutcome.Relaxed, r.Outcome);
        double sinceStart = r.TimeS - r.StartS;
        double trueV = vInf + a * Math.Exp(-sinceStart / tau);
        Assert.InRange(r.VoltageV - trueV, -2e-4, 2e-4);
        Assert.InRange(r.VoltageSigmaV, 1e-6, 1e-4);
        Assert.InRange(Math.Abs(r.SlopeMVPerHour), 0, 1.0);
        Assert.True(r.RelaxedForS >= 900, $"relaxed for {r.RelaxedForS} s");
        // The criterion can only hold once the true slope (and its noise) is below 1 mV/h: not before 90 min + the hold.
        Assert.True(sinceStart >= 90 * 60 + 900, $"relaxed value at {sinceStart / 60:0} min");
        Assert.Equal(r.EndS, samples[^2].TimeS);
    }

    [Fact]
    public void A_voltage_still_drifting_at_three_millivolts_per_hour_is_not_relaxed()
    {
        var samples = Relaxation(4.1, 0.030, 1200, restS: 4 * 3600, noiseV: 2e-4, dtS: 10, seed: 2, driftVPerS: -3e-3 / 3600);
        var d = new RelaxationDetector(CapacityAh);
        var r = Assert.Single(Run(d, samples));
        Assert.Equal(RestOutcome.StillRelaxing, r.Outcome);
        Assert.InRange(r.SlopeMVPerHour, -3.5, -2.5);
        Assert.Contains("still relaxing", r.Describe(d.Options));
        Assert.Contains("not below 1 mV/h", r.Describe(d.Options));
    }

    [Fact]
    public void A_rest_that_meets_the_slope_criterion_for_less_than_the_hold_time_is_not_relaxed()
    {
        // The slope fitted over the last 30 min is about the true slope 15 min earlier, 90 mV/h · e^(−t/20 min): it first
        // meets 1 mV/h about 105 min into the rest. A rest ending at 110 min has met it for 5 min, less than the 15 min hold.
        var samples = Relaxation(4.1, 0.030, 1200, restS: 110 * 60, noiseV: 0, dtS: 10, seed: 6);
        var d = new RelaxationDetector(CapacityAh);
        var r = Assert.Single(Run(d, samples));
        Assert.Equal(RestOutcome.StillRelaxing, r.Outcome);
        Assert.InRange(Math.Abs(r.SlopeMVPerHour), 0, 1.0);
        var longer = Assert.Single(Run(new RelaxationDetector(CapacityAh), Relaxation(4.1, 0.030, 1200, restS: 140 * 60, noiseV: 0, dtS: 10, seed: 6)));
        Assert.Equal(RestOutcome.Relaxed, longer.Outcome);
    }

    [Fact]
    public void Noise_the_window_cannot_average_away_is_not_taken_for_relaxation()
    {
        // 3 mV noise every 30 s: the slope over 30 min has a standard error of about 2.7 mV/h, so a flat voltage
        // cannot be shown to drift by less than 1 mV/h — not even by a single window (no hold time).
        var samples = Relaxation(4.1, 0.0, 600, restS: 6 * 3600, noiseV: 3e-3, dtS: 30, seed: 7);
        var d = new RelaxationDetector(CapacityAh, RelaxationOptions.Default with { HoldS = 0 });
        var r = Assert.Single(Run(d, samples));
        Assert.Equal(RestOutcome.StillRelaxing, r.Outcome);
        Assert.InRange(r.SlopeSigmaVPerS * 3.6e6, 2.0, 3.5);
        // 1 mV noise every second averages out over the window (standard error about 0.16 mV/h).
        var dense = Relaxation(4.1, 0.0, 600, restS: 6 * 3600, noiseV: 1e-3, dtS: 1, seed: 7);
        Assert.Equal(RestOutcome.Relaxed, Assert.Single(Run(new RelaxationDetector(CapacityAh), dense)).Outcome);
    }

    [Fact]
    public void A_looser_threshold_accepts_the_same_drift()
    {
        var samples = Relaxation(4.1, 0.030, 1200, restS: 4 * 3600, noiseV: 2e-4, dtS: 10, seed: 2, driftVPerS: -3e-3 / 3600);
        var d = new RelaxationDetector(CapacityAh, RelaxationOptions.Default with { MaxSlopeMVPerHour = 5 });
        var r = Assert.Single(Run(d, samples));
        Assert.Equal(RestOutcome.Relaxed, r.Outcome);
    }

    [Fact]
    public void A_rest_shorter_than_the_window_is_too_short_and_one_at_the_end_of_the_stream_is_reported_by_complete()
    {
        var d = new RelaxationDetector(CapacityAh);
        var samples = Relaxation(4.1, 0.03, 600, restS: 1200, noiseV: 0, dtS: 10, seed: 3);
        var r = Assert.Single(Run(d, samples));
        Assert.Equal(RestOutcome.TooShort, r.Outcome);
        Assert.Contains("before a 30 min slope window", r.Describe(d.Options));

        var open = Relaxation(4.1, 0.0, 600, restS: 4 * 3600, noiseV: 1e-4, dtS: 30, seed: 4);
        open.RemoveAt(open.Count - 1); // no discharge after the rest
        var d2 = new RelaxationDetector(CapacityAh);
        foreach (var s in open) Assert.False(d2.Add(s, out _));
        Assert.True(d2.InRest);
        Assert.True(d2.Complete(out var last));
        Assert.Equal(RestOutcome.Relaxed, last.Outcome);
        Assert.False(d2.Complete(out _));
    }

    [Theory]
    [InlineData(0.004, true)]   // C/1250 of 5 A·h: a rest
    [InlineData(-0.004, true)]
    [InlineData(0.006, false)]  // C/833: not a rest
    public void The_rest_current_threshold_is_C_over_1000_of_the_capacity(double currentA, bool isRest)
    {
        var d = new RelaxationDetector(CapacityAh);
        Assert.Equal(0.005, d.MaxCurrentA, 12);
        d.Add(Sample(0, 4.1, currentA), out _);
        Assert.Equal(isRest, d.InRest);
    }

    [Fact]
    public void Time_running_backwards_abandons_the_rest_and_invalid_samples_are_skipped()
    {
        var d = new RelaxationDetector(CapacityAh);
        for (int k = 0; k < 100; k++) d.Add(Sample(k * 10.0, 4.1, 0), out _);
        Assert.False(d.Add(Sample(1000, double.NaN, 0), out _));
        Assert.Equal(1, d.SkippedSamples);
        Assert.True(d.Add(Sample(500, 4.1, 0), out var o));
        Assert.Equal(RestOutcome.Interrupted, o.Outcome);
        Assert.Equal(990, o.EndS);
        Assert.Contains("time ran backwards", o.Describe(d.Options));
        Assert.True(d.InRest); // the sample at 500 s starts a new rest
    }

    [Fact]
    public void Options_are_checked()
    {
        Assert.Throws<ArgumentException>(() => new RelaxationDetector(0));
        Assert.Contains("mV/h", Assert.Throws<ArgumentException>(() => new RelaxationDetector(1, new RelaxationOptions(MaxSlopeMVPerHour: 0))).Message);
        Assert.Contains("8 bins", Assert.Throws<ArgumentException>(() => new RelaxationDetector(1, new RelaxationOptions(WindowBins: 4))).Message);
    }

    [Fact]
    public void Feeding_samples_allocates_nothing()
    {
        var samples = Relaxation(4.1, 0.03, 1200, restS: 6 * 3600, noiseV: 2e-4, dtS: 1, seed: 5).ToArray();
        var d = new RelaxationDetector(CapacityAh);
        foreach (var s in samples) d.Add(s, out _); // warm up (JIT)
        d.Complete(out _);
        int ended = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var s in samples)
            if (d.Add(s, out _)) ended++;
        if (d.Complete(out _)) ended++;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1, ended);
        Assert.Equal(0, allocated);
    }
}
