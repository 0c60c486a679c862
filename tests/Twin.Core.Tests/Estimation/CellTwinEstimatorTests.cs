using System.Text.Json;
using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Lithium;
using Twin.Core.Materials;
using Twin.Core.Samples;
using Twin.Data.Readers;

namespace Twin.Core.Tests.Estimation;

public class CellTwinEstimatorTests
{
    private static string LgM50 => Path.Combine(AppContext.BaseDirectory, "Samples", "lg-m50-nmc811-maccor.txt");

    private static CellConfig Config(double qLiAh = 1.0, double cLi0 = 0.9) =>
        CellConfig.WithDefaults("c1", MaterialCatalog.Default.Get("NMC811"), qLiAh, cLi0);

    [Fact]
    public void Counting_only_on_the_lg_m50_file_equals_the_counting_estimator_bit_for_bit()
    {
        using var reader = CyclerFileReader.Open(LgM50);
        var twin = new CellTwin(Config(8.732, 0.80));
        var counter = new LithiumEstimator(0.80, 8.732);
        var endOfChargeSigma = new List<double>();
        TwinOutput previous = default;
        int n = 0;
        foreach (var s in reader)
        {
            var o = twin.Update(s);
            double counted = counter.Update(s);
            Assert.Equal(BitConverter.DoubleToInt64Bits(counted), BitConverter.DoubleToInt64Bits(o.CLi));
            Assert.Equal(BitConverter.DoubleToInt64Bits(counted), BitConverter.DoubleToInt64Bits(o.CLiCounted));
            Assert.Equal(counter.ChargeAh, o.ChargeAh);
            Assert.True(double.IsFinite(o.CLiSigma) && o.CLiSigma >= 0.02, $"σ {o.CLiSigma} at sample {n}");
            Assert.Equal(o.CLi - 2 * o.CLiSigma, o.CLiLowerBound);
            Assert.False(o.CLiOutOfRange);
            if (n > 0 && previous.Charging && !o.Charging) endOfChargeSigma.Add(previous.CLiSigma);
            previous = o;
            n++;
        }
        Assert.Equal(6704, n);
        Assert.Equal(4, endOfChargeSigma.Count);
        for (int i = 1; i < endOfChargeSigma.Count; i++)
            Assert.True(endOfChargeSigma[i] > endOfChargeSigma[i - 1], $"σ at the end of charge {i + 1} did not grow: {string.Join(", ", endOfChargeSigma)}");
    }

    [Fact]
    public void Out_of_range_and_lattice_extrapolation_are_flagged()
    {
        var twin = new CellTwin(Config(1.0, 0.95));
        var o = twin.Update(new CyclerSample(0, 3.7, 1.0, double.NaN, 0, 1, 0, StepKind.Charge));
        Assert.False(o.CLiOutOfRange);
        Assert.False(o.LatticeExtrapolated);
        double t = 0;
        while (o.CLi > 0.15) o = twin.Update(new CyclerSample(t += 10, 4.0, 1.0, double.NaN, 0, 1, 0, StepKind.Charge));
        Assert.True(o.LatticeExtrapolated); // below the 0.20 knot
        Assert.False(o.CLiOutOfRange);
        while (o.CLi - 3 * o.CLiSigma > -0.001) o = twin.Update(new CyclerSample(t += 10, 4.3, 1.0, double.NaN, 0, 1, 0, StepKind.Charge));
        Assert.False(o.CLiOutOfRange); // 3σ not yet beyond 0
        o = twin.Update(new CyclerSample(t += 3600, 4.3, 1.0, double.NaN, 0, 1, 0, StepKind.Charge));
        Assert.True(o.CLi + 3 * o.CLiSigma < 0);
        Assert.True(o.CLiOutOfRange);
    }

    [Fact]
    public void Observe_corrects_the_twin_and_the_next_sample_reports_it()
    {
        var twin = new CellTwin(Config());
        double t = 0;
        TwinOutput o = default;
        for (int k = 0; k < 360; k++) o = twin.Update(new CyclerSample(t += 10, 3.8, 0.1, double.NaN, 0, 1, 0, StepKind.Charge));
        var r = twin.Observe(new LithiumMeasurement(t, o.CLi - 0.02, 0.005, LithiumMeasurementKind.Diffraction));
        Assert.Equal(LithiumUpdateStatus.Applied, r.Status);
        o = twin.Update(new CyclerSample(t += 10, 3.8, 0.1, double.NaN, 0, 1, 0, StepKind.Charge));
        Assert.True(o.CLiCounted - o.CLi > 0.015, $"estimate {o.CLi}, counted {o.CLiCounted}");
        Assert.True(o.CLiSigma < 0.006);
        // The correction is not a rate: time-to-critical stays what the current says (1/36000 per s).
        Assert.InRange(o.TimeToCriticalS, (o.CLi - 0.40) * 36000 * 0.9, (o.CLi - 0.40) * 36000 * 1.1);
    }

    [Fact]
    public void A_checkpoint_with_the_filter_restores_bit_for_bit()
    {
        var cell = new SyntheticCell(1.04, 0.9, 0.1, 2e-4, stepS: 20, seed: 2);
        var samples = cell.Charge(0.4).Concat(cell.Discharge(0.85)).Concat(cell.Charge(0.45)).ToArray();
        var truth = new SyntheticCell(1.04, 0.9, 0.1, 2e-4, stepS: 20, seed: 2);
        var measurements = new Dictionary<int, LithiumMeasurement>();
        int i = 0;
        foreach (var s in truth.Charge(0.4).Concat(truth.Discharge(0.85)).Concat(truth.Charge(0.45)))
        {
            if (i % 300 == 299) measurements[i] = truth.Measure(0.005) with { TimeS = s.TimeS - 100 };
            i++;
        }

        List<TwinOutput> Run(CellTwin twin, int from, int to, List<LithiumUpdate> updates)
        {
            var outputs = new List<TwinOutput>();
            for (int k = from; k < to; k++)
            {
                outputs.Add(twin.Update(samples[k]));
                if (measurements.TryGetValue(k, out var m)) updates.Add(twin.Observe(m));
            }
            return outputs;
        }

        var straightUpdates = new List<LithiumUpdate>();
        var straight = new CellTwin(Config(1.0, 0.9));
        var outStraight = Run(straight, 0, samples.Length, straightUpdates);
        Assert.True(straightUpdates.Count >= 3 && straightUpdates.All(u => u.Changed));

        var updates = new List<LithiumUpdate>();
        var first = new CellTwin(Config(1.0, 0.9));
        Run(first, 0, 600, updates); // just after the second measurement
        string json = JsonSerializer.Serialize(first.Checkpoint(), TwinJsonContext.Default.TwinCheckpoint);
        var restored = JsonSerializer.Deserialize(json, TwinJsonContext.Default.TwinCheckpoint)!;
        Assert.NotNull(restored.Filter);
        var resumed = new CellTwin(Config(1.0, 0.9), restored);
        var outResumed = Run(resumed, 600, samples.Length, updates);

        Assert.Equal(outStraight.Skip(600), outResumed);
        Assert.Equal(straightUpdates, updates);
        Assert.Equal(JsonSerializer.Serialize(straight.Checkpoint(), TwinJsonContext.Default.TwinCheckpoint),
                     JsonSerializer.Serialize(resumed.Checkpoint(), TwinJsonContext.Default.TwinCheckpoint));
    }

    /// <summary>A checkpoint as the twin wrote it before the filter existed (no "Filter" member).</summary>
    private const string OldCheckpoint = """
        {"CellId":"c1","Material":"NMC811","Estimator":{"CLi0":0.9,"QLiAh":1,"ChargeAh":0.27777777777777707,"Samples":400,"LastTimeS":4990,"LastCurrentA":-0.5,"LastCounterAh":"NaN","LastSegment":0},"Zone":0,"ChargeSeenInCycle":true,"DischargeSeenInCycle":true,"RateCLiPerS":0.00013881921832864985,"LastCLi":0.6222222222222229,"LastEpsAniso":0.0005,"Cycles":[{"Cycle":1,"StartTimeS":1000,"EndTimeS":4990,"Samples":400,"MinCLi":0.48472222222222344,"MinCLiTimeS":3990,"MinCLiVoltageV":3.8,"TimeBelowCriticalS":0,"FirstCrossingTimeS":"NaN","FirstCrossingStep":0,"FirstCrossingVoltageV":"NaN","WorstZone":0,"ChargedAh":0.4152777777777766,"DischargedAh":0.13749999999999976,"CutoffReachedVoltageV":"NaN","CutoffReachedTimeS":"NaN","CutoffReachedStep":0,"StrainDoseS":0,"RecommendedCutoffV":"NaN","CrossedCritical":false}]}
        """;

    [Fact]
    public void An_old_checkpoint_without_the_filter_loads_with_the_covariance_of_the_priors()
    {
        var checkpoint = JsonSerializer.Deserialize(OldCheckpoint, TwinJsonContext.Default.TwinCheckpoint)!;
        Assert.Null(checkpoint.Filter);
        var twin = new CellTwin(Config(1.0, 0.9), checkpoint);

        Assert.Equal(0.6222222222222229, twin.CLi); // the counted c_Li it stopped at, unchanged
        var p = LithiumFilterSettings.Default;
        double q = 0.27777777777777707, tau = 4990 - 1000;
        double varU = p.QLiRelativeSigma * p.QLiRelativeSigma + p.CurrentGainRelativeSigma * p.CurrentGainRelativeSigma;
        double sb = p.OffsetSigmaA(1.0) / 3600; // β = u·b/3600 with u = 1
        Assert.Equal(Math.Sqrt(p.CLi0Sigma * p.CLi0Sigma + q * q * varU + tau * tau * sb * sb), twin.Estimator.Sigma, 12);

        var o = twin.Update(new CyclerSample(5000, 3.7, -0.5, double.NaN, 0, 2, 0, StepKind.Discharge));
        Assert.Equal(0.6222222222222229 + 0.5 * 10 / 3600.0, o.CLi, 12);
        Assert.True(o.CLiSigma > twin.Config.Estimator.CLi0Sigma);
        Assert.NotNull(twin.Checkpoint().Filter);
    }

    [Fact]
    public void Estimator_settings_are_validated_with_the_cell()
    {
        var config = Config() with { Estimator = LithiumFilterSettings.Default with { CLi0Sigma = -1 } };
        var e = Assert.Throws<ArgumentException>(() => new CellTwin(config));
        Assert.Contains("c_Li0 σ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_and_observe_allocate_nothing_within_a_cycle()
    {
        var twin = new CellTwin(Config());
        var s = new CyclerSample(0, 3.7, 0.05, double.NaN, 0, 1, 0, StepKind.Charge);
        twin.Update(s);
        var m = new LithiumMeasurement(0, 0.9, 0.005, LithiumMeasurementKind.Diffraction);
        twin.Observe(m);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 1; k < 10_000; k++)
        {
            twin.Update(s with { TimeS = k });
            if (k % 500 == 0) twin.Observe(m with { TimeS = k - 10, CLi = twin.CLi });
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
