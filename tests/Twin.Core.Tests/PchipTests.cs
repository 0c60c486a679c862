using Twin.Core.Numerics;

namespace Twin.Core.Tests;

public class PchipTests
{
    [Fact]
    public void Passes_through_knots_and_reproduces_a_line()
    {
        double[] x = [0, 1, 2.5, 4];
        var p = new Pchip(x, x.Select(v => 3 * v - 1).ToArray());
        foreach (var v in x) Assert.Equal(3 * v - 1, p.Evaluate(v), 12);
        Assert.Equal(3 * 1.7 - 1, p.Evaluate(1.7), 12);
        Assert.Equal(3, p.Derivative(3.3), 12);
    }

    [Fact]
    public void Monotone_data_gives_a_monotone_curve_without_overshoot()
    {
        double[] x = [0, 1, 2, 3, 4, 5];
        double[] y = [0, 0, 0, 1, 1, 1];
        var p = new Pchip(x, y);
        double prev = -1;
        for (double t = 0; t <= 5; t += 0.01)
        {
            double v = p.Evaluate(t);
            Assert.InRange(v, 0, 1);
            Assert.True(v >= prev - 1e-12);
            prev = v;
        }
    }

    [Fact]
    public void Rejects_bad_knots()
    {
        Assert.Throws<ArgumentException>(() => new Pchip([0, 0], [1, 2]));
        Assert.Throws<ArgumentException>(() => new Pchip([0], [1]));
        Assert.Throws<ArgumentException>(() => new Pchip([0, 1], [1, double.NaN]));
        Assert.Throws<ArgumentException>(() => new Pchip([0, 1, 2], [1, 2]));
    }
}
