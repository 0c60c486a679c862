using System.Text.Json;
using Twin.Core.Cells;
using Twin.Core.Lithium;
using Twin.Core.Samples;

namespace Twin.Core.Tests;

public class LithiumEstimatorTests
{
    private static CyclerSample S(double t, double i, double counter = double.NaN, int seg = 0) =>
        new(t, 3.7, i, counter, seg, 1, 0, StepKind.Unknown);

    [Fact]
    public void Trapezoidal_integration_without_a_counter()
    {
        var e = new LithiumEstimator(0.9, 2.0);
        e.Update(S(0, 0));
        e.Update(S(10, 1));          // ramp 0 → 1 A over 10 s: 5 A·s
        for (int k = 2; k <= 361; k++) e.Update(S(k * 10, 1));
        double expectedAh = (5 + 3600) / 3600.0;
        Assert.Equal(expectedAh, e.ChargeAh, 12);
        Assert.Equal(0.9 - expectedAh / 2.0, e.CLi, 12);
    }

    [Fact]
    public void The_sources_counter_wins_over_the_current()
    {
        var e = new LithiumEstimator(0.8, 1.0);
        e.Update(S(0, 5, 0.0));
        e.Update(S(3600, 5, 0.1)); // current says 5 A·h, the counter says 0.1
        Assert.Equal(0.1, e.ChargeAh, 12);
    }

    [Fact]
    public void A_new_segment_restarts_the_counter_from_zero()
    {
        var e = new LithiumEstimator(0.8, 1.0);
        e.Update(S(0, 1, 0.0, 1));
        e.Update(S(10, 1, 0.3, 1));
        e.Update(S(20, 1, 0.05, 2)); // new step: counter restarted, 0.05 since its start
        e.Update(S(30, -1, -0.2, 3)); // discharge segment
        Assert.Equal(0.3 + 0.05 - 0.2, e.ChargeAh, 12);
    }

    [Fact]
    public void A_counter_present_at_the_first_sample_is_the_reference()
    {
        var e = new LithiumEstimator(0.8, 1.0);
        e.Update(S(0, 0, 12.5, 0));
        e.Update(S(10, 0, 12.7, 0));
        Assert.Equal(0.2, e.ChargeAh, 12);
    }

    [Fact]
    public void State_round_trips_through_json_and_continues_bit_for_bit()
    {
        var samples = Enumerable.Range(0, 2000).Select(k => S(k * 0.7, Math.Sin(k * 0.01) * 2.3,
            k % 3 == 0 ? double.NaN : k * 1e-4, k / 100)).ToArray();
        var straight = new LithiumEstimator(0.93, 4.1);
        foreach (var s in samples) straight.Update(s);

        var first = new LithiumEstimator(0.93, 4.1);
        foreach (var s in samples.Take(1234)) first.Update(s);
        string json = JsonSerializer.Serialize(first.State, TwinJsonContext.Default.EstimatorState);
        var restored = new LithiumEstimator(JsonSerializer.Deserialize(json, TwinJsonContext.Default.EstimatorState));
        foreach (var s in samples.Skip(1234)) restored.Update(s);

        Assert.Equal(straight.State, restored.State);
        Assert.Equal(BitConverter.DoubleToInt64Bits(straight.CLi), BitConverter.DoubleToInt64Bits(restored.CLi));
    }

    [Fact]
    public void Rejects_impossible_parameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LithiumEstimator(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LithiumEstimator(0.8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LithiumEstimator(0.8, double.NaN));
    }
}
