using Twin.Data.Export;

namespace Twin.Report.Tests;

/// <summary>Synthetic but realistic replay data: CC charge/discharge cycles of a Ni-rich cathode cell whose c_Li dips below 0.40.</summary>
internal static class SyntheticReport
{
    public const double Critical = 0.40, Caution = 0.45, Deep = 0.32;

    /// <summary>Model-like a(c_Li): decreasing from 2.8727 Å at c_Li = 1, steepest near 0.62, plateau below 0.32.</summary>
    public static double A(double x)
    {
        static double Sig(double v) => 1.0 / (1.0 + Math.Exp(-(v - 0.62) / 0.09));
        double u = (Sig(Math.Max(x, 0.32)) - Sig(0.32)) / (Sig(1.0) - Sig(0.32));
        return 2.8150 + (2.8727 - 2.8150) * u;
    }

    /// <summary>Model-like c(c_Li): rises from 14.2127 Å at c_Li = 1 to 14.467 Å at 0.40, then collapses.</summary>
    public static double C(double x)
    {
        if (x >= 0.40)
        {
            double u = (1.0 - x) / 0.60;
            return 14.2127 + (14.467 - 14.2127) * Math.Sin(u * Math.PI / 2);
        }
        double v = (0.40 - x) / 0.20;
        return 14.467 - (14.467 - 14.030) * v * v;
    }

    public static ModelCurves Curves()
    {
        int n = 161;
        var cli = new double[n];
        var a = new double[n];
        var c = new double[n];
        var dil = new double[n];
        for (int k = 0; k < n; k++)
        {
            double x = 0.20 + 0.80 * k / (n - 1);
            cli[k] = x;
            a[k] = A(x);
            c[k] = C(x);
            dil[k] = c[k] / 3;
        }
        return new ModelCurves(cli, a, c, dil);
    }

    public static string ZoneOf(double cLi) => cLi < Deep ? "deep" : cLi < Critical ? "critical" : cLi < Caution ? "caution" : "safe";

    /// <summary>Open-circuit-like voltage of the cathode vs c_Li.</summary>
    public static double Ocv(double x) => 3.55 + 0.75 * (1 - x) + 0.25 * Math.Pow(Math.Max(0, 0.5 - x), 1.5) * 4 - 0.08 * Math.Exp(-(1 - x) * 12);

    /// <summary>Yields the raw stream: charge to a per-cycle minimum c_Li, rest, discharge, rest; one sample every <paramref name="dtS"/> seconds.</summary>
    public static IEnumerable<ReportPoint> Stream(double dtS = 10, double[]? minima = null)
    {
        minima ??= [0.36, 0.38, 0.29];
        const double qLi = 0.0072; // A·h per unit c_Li (a ~30 mg coin cell)
        const double current = 0.0025; // A, about C/3
        double t = 0, x = 0.97;
        double rate = current / qLi / 3600.0; // c_Li per second
        foreach (double min in minima)
        {
            while (x > min) { x -= rate * dtS; t += dtS; yield return Point(t, Math.Max(x, min), current); }
            for (int k = 0; k < 60; k++) { t += dtS; yield return Point(t, x, 0); }
            while (x < 0.95) { x += rate * dtS; t += dtS; yield return Point(t, Math.Min(x, 0.95), -current); }
            for (int k = 0; k < 60; k++) { t += dtS; yield return Point(t, x, 0); }
        }
    }

    private static ReportPoint Point(double t, double x, double i)
    {
        double v = Ocv(x) + i * 28.0; // polarisation
        double c = C(x);
        return new ReportPoint(t, v, i, x, A(x), c, c / 3);
    }

    /// <summary>Builds the report data the way the replay does: decimating collector plus zone spans.</summary>
    public static ReportData Build(string title = "synthetic NMC811 coin cell <A&B>.csv", int capacity = DecimatingSeries.DefaultCapacity, double dtS = 10)
    {
        var series = new DecimatingSeries(capacity);
        var zones = new ZoneSpanBuilder();
        var perCycle = new List<IReadOnlyList<string>> { new[] { "Cycle", "min c_Li", "time < 0.40 (h)", "note" } };
        int cycle = 0;
        double cycleMin = 1, below = 0, prevT = 0;
        double prevI = 0;
        foreach (ReportPoint p in Stream(dtS))
        {
            series.Add(p);
            zones.Add(p.TimeS, ZoneOf(p.CLi));
            if (p.CurrentA > 0 && prevI <= 0 && cycleMin < 1)
            {
                perCycle.Add(Row(++cycle, cycleMin, below));
                cycleMin = 1;
                below = 0;
            }
            cycleMin = Math.Min(cycleMin, p.CLi);
            if (p.CLi < Critical) below += p.TimeS - prevT;
            prevT = p.TimeS;
            if (p.CurrentA != 0) prevI = p.CurrentA;
        }
        perCycle.Add(Row(++cycle, cycleMin, below));

        return new ReportData(title, "NMC811", series.ToArray(), zones.Build(), Curves(), Critical, Caution, Deep, perCycle);
    }

    private static string[] Row(int cycle, double min, double belowS) =>
        [cycle.ToString(System.Globalization.CultureInfo.InvariantCulture),
         min.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture),
         (belowS / 3600).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
         min < Deep ? "<deep> & cracked?" : min < Critical ? "critical" : "ok"];
}
