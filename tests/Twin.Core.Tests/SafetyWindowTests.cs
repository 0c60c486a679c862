using Twin.Core.Safety;

namespace Twin.Core.Tests;

public class SafetyWindowTests
{
    [Fact]
    public void Zones_follow_design_limits()
    {
        var l = SafetyLimits.Default;
        Assert.Equal(Zone.Safe, l.Classify(0.45));
        Assert.Equal(Zone.Caution, l.Classify(0.449));
        Assert.Equal(Zone.Caution, l.Classify(0.40));
        Assert.Equal(Zone.Critical, l.Classify(0.399));
        Assert.Equal(Zone.Deep, l.Classify(0.319));
    }

    [Fact]
    public void Noise_around_a_limit_does_not_flap()
    {
        var w = new SafetyWindow(SafetyLimits.Default);
        w.Update(0.50);
        int changes = 0;
        var rng = new Random(1);
        // Descend to 0.40 and then dither ±0.003 around it for a long time.
        for (double c = 0.50; c > 0.40; c -= 0.001) changes += w.Update(c) ? 1 : 0;
        for (int k = 0; k < 5000; k++) changes += w.Update(0.40 + 0.003 * (rng.NextDouble() * 2 - 1)) ? 1 : 0;
        Assert.Equal(Zone.Critical, w.Zone);
        Assert.Equal(2, changes); // safe→caution, caution→critical, and nothing else
    }

    [Fact]
    public void A_zone_is_left_only_past_the_hysteresis_band()
    {
        var w = new SafetyWindow(SafetyLimits.Default);
        w.Update(0.39);
        Assert.Equal(Zone.Critical, w.Zone);
        Assert.False(w.Update(0.404));
        Assert.Equal(Zone.Critical, w.Zone);
        Assert.True(w.Update(0.4051));
        Assert.Equal(Zone.Caution, w.Zone);
        Assert.True(w.Update(0.30));
        Assert.Equal(Zone.Deep, w.Zone);
        Assert.True(w.Update(0.60));
        Assert.Equal(Zone.Safe, w.Zone);
    }

    [Fact]
    public void Bad_limits_are_rejected_with_names()
    {
        var e = Assert.Throws<ArgumentException>(() => new SafetyWindow(new SafetyLimits(CautionCLi: 0.35)));
        Assert.Contains("caution=0.35", e.Message);
    }
}
