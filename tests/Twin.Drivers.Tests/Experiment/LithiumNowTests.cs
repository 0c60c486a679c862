using Twin.Core.Cutoff;
using Twin.Drivers.Experiment;

namespace Twin.Drivers.Tests.Experiment;

public class LithiumNowTests
{
    private const long S = 1_000_000_000;

    [Fact]
    public void The_history_finds_the_charge_at_the_last_reading_at_or_before_a_time()
    {
        var h = new ChargeHistory(4);
        Assert.False(h.TryChargeAt(10 * S, out _));
        for (int i = 1; i <= 6; i++) h.Add(i * 10 * S, i * 0.001); // keeps readings 3…6 (30…60 s)
        Assert.Equal(4, h.Count);
        Assert.True(h.TryChargeAt(30 * S, out double q));
        Assert.Equal(0.003, q);
        Assert.True(h.TryChargeAt(45 * S, out q));
        Assert.Equal(0.004, q);
        Assert.True(h.TryChargeAt(99 * S, out q));
        Assert.Equal(0.006, q);
        Assert.False(h.TryChargeAt(29 * S, out _)); // reading 2 was dropped
    }

    [Fact]
    public void A_reading_stamped_before_the_previous_one_is_kept_at_the_previous_time()
    {
        var h = new ChargeHistory(8);
        h.Add(20 * S, 0.002);
        h.Add(15 * S, 0.0025);
        h.Add(30 * S, 0.003);
        Assert.True(h.TryChargeAt(25 * S, out double q));
        Assert.Equal(0.0025, q);
        Assert.False(h.TryChargeAt(16 * S, out _));
    }

    [Fact]
    public void The_state_is_carried_forward_by_the_charge_counted_since_its_reading()
    {
        var h = new ChargeHistory(16);
        for (int i = 0; i <= 10; i++) h.Add(i * 30 * S, i * 0.0001); // 0.1 mA·h per reading
        var twin = new TwinFeedback(0.45, 4 * 30 * S, CutoffDecision.Continue, null, CLiLow: 0.44, QLiAh: 0.01, CLiMin: 0.42);
        var now = LithiumNow.Of(twin, h, 10 * 30 * S, 0.0010)!.Value;
        Assert.True(now.CarriedForward);
        Assert.Equal(180, now.LagS, 9);
        Assert.Equal(-0.06, now.DeltaCLi, 12); // −(1.0 − 0.4) mA·h / 10 mA·h
        Assert.Equal(0.39, now.CLi, 12);
        Assert.Equal(0.38, now.CLiLow!.Value, 12);
    }

    [Fact]
    public void Without_the_twins_q_li_the_state_is_used_as_it_is_and_a_state_older_than_the_history_cannot_be_carried()
    {
        var h = new ChargeHistory(4);
        for (int i = 0; i <= 10; i++) h.Add(i * 30 * S, i * 0.0001);
        var old = new TwinFeedback(0.45, 30 * S, CutoffDecision.Continue, null, CLiLow: 0.44);
        var asIs = LithiumNow.Of(old, h, 10 * 30 * S, 0.001)!.Value;
        Assert.False(asIs.CarriedForward);
        Assert.Equal((0.45, 0.44, 0.0), (asIs.CLi, asIs.CLiLow!.Value, asIs.DeltaCLi));
        Assert.Null(LithiumNow.Of(old with { QLiAh = 0.01 }, h, 10 * 30 * S, 0.001));
    }
}
