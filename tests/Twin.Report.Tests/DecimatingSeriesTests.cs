using Twin.Data.Export;

namespace Twin.Report.Tests;

public class DecimatingSeriesTests
{
    private static ReportPoint P(double t, double cLi) => new(t, 4.0, 0.001, cLi, 2.85, 14.3, 14.3 / 3);

    [Fact]
    public void Empty_series_returns_nothing()
    {
        var s = new DecimatingSeries();
        Assert.Equal(0, s.Count);
        Assert.Empty(s.ToArray());
        Assert.Equal(0, s.TotalAdded);
    }

    [Fact]
    public void Capacity_below_minimum_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecimatingSeries(DecimatingSeries.MinCapacity - 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(50)]
    [InlineData(97)] // capacity 100: 96 bucket slots + the first point = nothing dropped
    public void Short_streams_are_kept_whole(int n)
    {
        var s = new DecimatingSeries(100);
        for (int i = 0; i < n; i++) s.Add(P(i, 1 - i * 0.001));
        ReportPoint[] kept = s.ToArray();
        Assert.Equal(n, kept.Length);
        for (int i = 0; i < n; i++) Assert.Equal(i, kept[i].TimeS);
        Assert.Equal(1, s.Stride);
    }

    [Theory]
    [InlineData(8, 1_000)]
    [InlineData(9, 1_001)]
    [InlineData(100, 12_345)]
    [InlineData(4000, 1_000_000)]
    public void Size_stays_bounded_and_order_first_last_are_kept(int capacity, int n)
    {
        var s = new DecimatingSeries(capacity);
        var rng = new Random(42);
        for (int i = 0; i < n; i++)
        {
            s.Add(P(i, rng.NextDouble()));
            Assert.True(s.Count <= capacity);
        }

        ReportPoint[] kept = s.ToArray();
        Assert.Equal(s.Count, kept.Length);
        Assert.InRange(kept.Length, capacity / 4, capacity);
        Assert.Equal(0, kept[0].TimeS);
        Assert.Equal(n - 1, kept[^1].TimeS);
        for (int i = 1; i < kept.Length; i++) Assert.True(kept[i].TimeS > kept[i - 1].TimeS, $"order broken at {i}");
        Assert.Equal(n, s.TotalAdded);
        Assert.True(s.Stride > 1 && (s.Stride & (s.Stride - 1)) == 0, "stride is a power of two");
    }

    [Fact]
    public void Global_minimum_is_never_lost()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 20; trial++)
        {
            var s = new DecimatingSeries(16 + trial);
            int n = 500 + rng.Next(20_000);
            double min = double.MaxValue, minT = -1;
            for (int i = 0; i < n; i++)
            {
                double x = rng.NextDouble();
                if (x < min) { min = x; minT = i; }
                s.Add(P(i, x));
            }
            ReportPoint lowest = s.ToArray().MinBy(p => p.CLi);
            Assert.Equal(min, lowest.CLi);
            Assert.Equal(minT, lowest.TimeS);
        }
    }

    [Fact]
    public void Minimum_of_every_charge_survives_a_long_cycling_stream()
    {
        // 60 cycles of 20 000 samples (charge down to a different minimum each cycle, then discharge), 1.2 M samples
        // into 4000 points: every cycle's exact minimum (value and time) must be in the output.
        const int perCycle = 20_000, cycles = 60;
        var s = new DecimatingSeries(4000);
        var minima = new List<(double T, double CLi)>();
        long t = 0;
        for (int c = 0; c < cycles; c++)
        {
            double low = 0.30 + 0.002 * ((c * 37) % 60);
            int half = perCycle / 2;
            for (int k = 0; k < perCycle; k++)
            {
                double x = k < half ? 0.95 - (0.95 - low) * k / (half - 1) : low + (0.95 - low) * (k - half + 1) / half;
                x += 1e-4 * Math.Sin(k * 0.7); // measurement noise
                s.Add(P(t, x));
                t++;
            }
        }
        // recompute expected minima with the same noise
        t = 0;
        for (int c = 0; c < cycles; c++)
        {
            double low = 0.30 + 0.002 * ((c * 37) % 60);
            int half = perCycle / 2;
            double best = double.MaxValue, bestT = 0;
            for (int k = 0; k < perCycle; k++)
            {
                double x = k < half ? 0.95 - (0.95 - low) * k / (half - 1) : low + (0.95 - low) * (k - half + 1) / half;
                x += 1e-4 * Math.Sin(k * 0.7);
                if (x < best) { best = x; bestT = t; }
                t++;
            }
            minima.Add((bestT, best));
        }

        ReportPoint[] kept = s.ToArray();
        Assert.True(kept.Length <= 4000);
        foreach ((double T, double CLi) m in minima)
            Assert.Contains(kept, p => p.TimeS == m.T && p.CLi == m.CLi);
    }

    [Fact]
    public void Every_retained_point_is_an_input_point()
    {
        var s = new DecimatingSeries(32);
        var inputs = new Dictionary<double, ReportPoint>();
        var rng = new Random(3);
        for (int i = 0; i < 5000; i++)
        {
            var p = new ReportPoint(i, rng.NextDouble() * 4, rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            inputs[i] = p;
            s.Add(p);
        }
        foreach (ReportPoint p in s.ToArray()) Assert.Equal(inputs[p.TimeS], p);
    }

    [Fact]
    public void NaN_never_beats_a_number_but_an_all_NaN_bucket_still_yields_a_point()
    {
        var s = new DecimatingSeries(8);
        for (int i = 0; i < 1000; i++) s.Add(P(i, i % 3 == 0 ? double.NaN : 0.5 + i * 1e-5));
        ReportPoint[] kept = s.ToArray();
        // first point (NaN, kept as the first) and possibly the last; every bucket representative is a number
        Assert.All(kept[1..^1], p => Assert.False(double.IsNaN(p.CLi)));

        var allNaN = new DecimatingSeries(8);
        for (int i = 0; i < 100; i++) allNaN.Add(P(i, double.NaN));
        Assert.InRange(allNaN.Count, 2, 8);
    }

    [Fact]
    public void Add_does_not_allocate_once_warmed_up()
    {
        var s = new DecimatingSeries(4000);
        for (int i = 0; i < 100_000; i++) s.Add(P(i, (i * 7919 % 1000) / 1000.0));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 100_000; i < 1_100_000; i++) s.Add(P(i, (i * 7919 % 1000) / 1000.0));
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
    }

    [Fact]
    public void CopyTo_checks_the_destination_and_Clear_resets()
    {
        var s = new DecimatingSeries(16);
        for (int i = 0; i < 100; i++) s.Add(P(i, 0.5));
        Assert.Throws<ArgumentException>(() => s.CopyTo(new ReportPoint[s.Count - 1]));
        var buffer = new ReportPoint[32];
        Assert.Equal(s.Count, s.CopyTo(buffer));

        s.Clear();
        Assert.Equal(0, s.Count);
        Assert.Equal(1, s.Stride);
        s.Add(P(1, 0.9));
        Assert.Single(s.ToArray());
    }
}
