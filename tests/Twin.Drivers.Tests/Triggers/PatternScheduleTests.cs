using Twin.Drivers.Triggers;

namespace Twin.Drivers.Tests.Triggers;

public sealed class PatternScheduleTests
{
    private const string Standard = "every 0.02 c_Li; every 0.005 c_Li below 0.45; every 10 minutes";

    /// <summary>Runs a c_Li ramp with uniform noise through the schedule; returns (sample c_Li, grid point) per acquisition.</summary>
    private static List<(double CLi, double Grid)> Run(PatternSchedule s, double from, double to, double step, double noise, Random rng, ref double t)
    {
        var got = new List<(double, double)>();
        int n = (int)Math.Round(Math.Abs(to - from) / step);
        for (int i = 0; i <= n; i++)
        {
            double c = from + Math.Sign(to - from) * i * step + (rng.NextDouble() * 2 - 1) * noise;
            var d = s.Evaluate(c, t);
            if (d.Acquire && d.Reason == ScheduleReason.LithiumGrid)
            {
                got.Add((c, d.GridPointCLi!.Value));
                s.MarkAcquired(c, t);
            }
            t += 1;
        }
        return got;
    }

    private static void AssertSpacing(List<(double CLi, double Grid)> got, double step, double noise)
    {
        double tol = step + 2 * noise;
        for (int i = 1; i < got.Count; i++)
        {
            var (a, b) = (got[i - 1], got[i]);
            double hi = Math.Max(a.Grid, b.Grid), lo = Math.Min(a.Grid, b.Grid);
            double expected = lo >= 0.46 - 1e-9 ? 0.02 : hi <= 0.45 + 1e-9 ? 0.005 : 0.01; // 0.46 → 0.45 is the hand-over
            Assert.Equal(expected, hi - lo, 9);
            Assert.InRange(Math.Abs(b.CLi - a.CLi), expected - tol, expected + tol);
            Assert.InRange(Math.Abs(b.CLi - b.Grid), 0, tol); // acquired within one sample's step of its grid point
        }
    }

    [Fact]
    public void ChargeAndDischargeRampsAcquireOnTheExactGrid()
    {
        var s = PatternSchedule.Parse("every 0.02 c_Li; every 0.005 c_Li below 0.45");
        var rng = new Random(7);
        const double step = 0.0004, noise = 0.0003; // noise larger than half a step: the ramp is locally non-monotone
        double t = 0;

        var charge = Run(s, 0.99, 0.30, step, noise, rng, ref t);
        AssertSpacing(charge, step, noise);
        var grids = charge.Select(x => Math.Round(x.Grid, 6)).ToList();
        Assert.Equal(0.98, grids[0]);
        Assert.Contains(0.46, grids);
        Assert.Contains(0.45, grids);
        Assert.Contains(0.445, grids);
        Assert.Equal(grids.Count, grids.Distinct().Count());
        Assert.Equal(27 + 1 + 29, grids.Count(g => g >= 0.3049)); // 0.98…0.46, 0.45, 0.445…0.305

        var discharge = Run(s, 0.30, 0.895, step, noise, rng, ref t);
        AssertSpacing(discharge, step, noise);
        var up = discharge.Select(x => Math.Round(x.Grid, 6)).ToList();
        Assert.True(up.SequenceEqual(up.Order()), "rising c_Li acquires in ascending grid order");
        Assert.Contains(0.45, up);
        Assert.Contains(0.46, up);
        Assert.Equal(0.88, up.Max(), 6);
    }

    [Fact]
    public void JitterAroundAGridPointAcquiresOnce()
    {
        var s = PatternSchedule.Parse("every 0.02 c_Li");
        int n = 0;
        s.Evaluate(0.465, 0);
        for (int i = 0; i < 200; i++)
        {
            double c = 0.46 + (i % 2 == 0 ? -1e-4 : 1e-4);
            if (s.ShouldAcquire(c, i)) { n++; s.MarkAcquired(c, i); }
        }
        Assert.Equal(1, n);
        Assert.True(s.ShouldAcquire(0.4399, 300)); // the next grid point still triggers
    }

    [Fact]
    public void DecisionStaysDueUntilMarked()
    {
        var s = PatternSchedule.Parse("every 0.02 c_Li");
        Assert.False(s.ShouldAcquire(0.505, 0));
        var d = s.Evaluate(0.499, 1);
        Assert.Equal(new ScheduleDecision(true, ScheduleReason.LithiumGrid, 0.5), d);
        Assert.True(s.ShouldAcquire(0.498, 2));
        s.MarkAcquired(0.498, 2);
        Assert.False(s.ShouldAcquire(0.497, 3));
    }

    [Fact]
    public void LargeJumpAcquiresOnceAtThePointNearestTheNewValue()
    {
        var s = PatternSchedule.Parse("every 0.02 c_Li");
        s.Evaluate(0.70, 0);
        var d = s.Evaluate(0.61, 1);
        Assert.True(d.Acquire);
        Assert.Equal(0.62, d.GridPointCLi!.Value, 9);
    }

    [Fact]
    public void TimeScheduleAcquiresEveryIntervalSinceTheLastAcquisition()
    {
        var s = PatternSchedule.Parse("every 10 minutes");
        var at = new List<double>();
        for (double t = 0; t <= 3600; t += 30)
        {
            var d = s.Evaluate(double.NaN, t);
            if (d.Acquire) { Assert.Equal(ScheduleReason.Time, d.Reason); at.Add(t); s.MarkAcquired(double.NaN, t); }
        }
        Assert.Equal([600.0, 1200, 1800, 2400, 3000, 3600], at);
    }

    [Fact]
    public void AnyAcquisitionRestartsTheTimeInterval()
    {
        var s = PatternSchedule.Parse("every 0.02 c_Li; every 60 s");
        s.Evaluate(0.505, 0);
        Assert.True(s.Evaluate(0.499, 50).Acquire);
        s.MarkAcquired(0.499, 50);
        Assert.False(s.ShouldAcquire(0.498, 100));
        Assert.Equal(ScheduleReason.Time, s.Evaluate(0.497, 110).Reason);
    }

    [Fact]
    public void ParsesTheTextForms()
    {
        var s = PatternSchedule.Parse(Standard);
        Assert.Equal(
            [new LithiumGridRule(0.02, null), new LithiumGridRule(0.005, 0.45), new TimeIntervalRule(TimeSpan.FromMinutes(10))],
            s.Rules);
        Assert.Equal(s.Rules, PatternSchedule.Parse(s.ToString()).Rules);

        var brief = PatternSchedule.Parse("every Δc_Li 0.02, every 0.005 below 0.45\nevery 1 h");
        Assert.Equal(
            [new LithiumGridRule(0.02, null), new LithiumGridRule(0.005, 0.45), new TimeIntervalRule(TimeSpan.FromHours(1))],
            brief.Rules);
        Assert.Equal(0.005, brief.SpacingAt(0.45));
        Assert.Equal(0.02, brief.SpacingAt(0.4501));
    }

    [Theory]
    [InlineData("every 0.02 foo", 12, "expected a unit after 0.02")]
    [InlineData("every abc c_Li", 7, "expected a number")]
    [InlineData("each 0.02 c_Li", 1, "expected 'every'")]
    [InlineData("every 0.02 c_Li; every 10 min below 0.4", 31, "below' applies to c_Li")]
    [InlineData("every 0.02 c_Li below", 22, "found the end of the rule")]
    [InlineData("every 5 c_Li", 7, "between 0.0001 and 1")]
    [InlineData("every 0.01 c_Li below x", 23, "c_Li threshold")]
    [InlineData("every -3 minutes", 7, "positive time interval")]
    [InlineData(" ; ", 1, "at least one rule")]
    public void ParseErrorsPointAtTheText(string text, int column, string expected)
    {
        var e = Assert.Throws<FormatException>(() => PatternSchedule.Parse(text));
        Assert.Contains($"column {column}:", e.Message);
        Assert.Contains(expected, e.Message);
        var lines = e.Message.Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.Equal(column - 1 + 2, lines[2].IndexOf('^')); // the caret sits under the column
    }
}
