using System.Globalization;
using System.Text;
using MathNet.Numerics.Distributions;

namespace Twin.Core.Tests.Diffraction;

/// <summary>A reflection drawn by <see cref="SyntheticPattern"/>: Miller indices on hexagonal axes and its height relative to (003).</summary>
public readonly record struct SyntheticPeak(int H, int K, int L, double RelativeHeight);

/// <summary>
/// Test-side generator of integrated powder patterns at known a and c, independent of the code under test: its own
/// hexagonal d-spacing formula, Bragg's law and pseudo-Voigt profile, a sloping background and Poisson counting noise.
/// </summary>
public sealed record SyntheticPattern
{
    /// <summary>(003), (101), (104) as a synchrotron pattern of a layered oxide shows them.</summary>
    public static readonly SyntheticPeak[] Layered = [new(0, 0, 3, 1.0), new(1, 0, 1, 0.35), new(1, 0, 4, 0.77)];

    /// <summary>Adds the (018)/(110) doublet.</summary>
    public static readonly SyntheticPeak[] LayeredWithDoublet = [.. Layered, new(0, 1, 8, 0.25), new(1, 1, 0, 0.3)];

    public double AA { get; init; } = 2.835;
    public double CA { get; init; } = 14.42;
    /// <summary>Wavelength, Å (default 60 keV).</summary>
    public double WavelengthA { get; init; } = 12.398419843320026 / 60;
    public double LowDeg { get; init; } = 1.5;
    public double HighDeg { get; init; } = 7.0;
    public int Points { get; init; } = 800;
    public double FwhmDeg { get; init; } = 0.03;
    public double Eta { get; init; } = 0.4;
    /// <summary>Height of a relative-height-1 peak, counts.</summary>
    public double PeakCounts { get; init; } = 5000;
    /// <summary>Background at the low end, counts.</summary>
    public double Background { get; init; } = 80;
    /// <summary>Background change per degree, counts.</summary>
    public double BackgroundSlope { get; init; } = -6;
    public IReadOnlyList<SyntheticPeak> Peaks { get; init; } = Layered;

    /// <summary>Bragg angle 2θ of a reflection, degrees (NaN when out of reach).</summary>
    public double TwoTheta(int h, int k, int l)
    {
        double invD2 = 4.0 * (h * h + h * k + k * k) / (3.0 * AA * AA) + (double)(l * l) / (CA * CA);
        double s = WavelengthA * Math.Sqrt(invD2) / 2;
        return s >= 1 ? double.NaN : 2 * Math.Asin(s) * 180 / Math.PI;
    }

    /// <summary>The pattern in 2θ: positions, counts (Poisson-sampled when a generator is given, else the expectation), σ = √max(counts, 1).</summary>
    public (double[] X, double[] Y, double[] Sigma) Generate(Random? noise)
    {
        var x = new double[Points];
        var y = new double[Points];
        var s = new double[Points];
        double step = (HighDeg - LowDeg) / (Points - 1);
        for (int i = 0; i < Points; i++)
        {
            double t = LowDeg + i * step;
            double mean = Background + BackgroundSlope * (t - LowDeg);
            foreach (var p in Peaks)
            {
                double centre = TwoTheta(p.H, p.K, p.L);
                if (double.IsNaN(centre)) continue;
                double u = 2 * (t - centre) / FwhmDeg;
                mean += PeakCounts * p.RelativeHeight * (Eta / (1 + u * u) + (1 - Eta) * Math.Exp(-Math.Log(2) * u * u));
            }
            double counts = noise is null ? mean : Poisson.Sample(noise, Math.Max(mean, 0));
            x[i] = t;
            y[i] = counts;
            s[i] = Math.Sqrt(Math.Max(counts, 1));
        }
        return (x, y, s);
    }

    /// <summary>q = 4π sin θ / λ (Å⁻¹) of a 2θ position in degrees.</summary>
    public double Q(double twoThetaDeg) => 4 * Math.PI * Math.Sin(twoThetaDeg * Math.PI / 360) / WavelengthA;

    /// <summary>The pattern as the text of a pyFAI-style integrated file: header lines, the column line and the rows.</summary>
    /// <param name="noise">Noise source or null.</param>
    /// <param name="unit">"2th_deg", "2th_rad", "q_A^-1" or "q_nm^-1".</param>
    /// <param name="header">Header lines (without '#').</param>
    /// <param name="withSigma">Write the σ column.</param>
    public string ToXy(Random? noise, string unit, IEnumerable<string> header, bool withSigma = true)
    {
        var (x, y, s) = Generate(noise);
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        foreach (var h in header) sb.Append("# ").Append(h).Append('\n');
        sb.Append(ci, $"#{unit,14} {"I",14}{(withSigma ? $" {"sigma",14}" : "")}\n");
        for (int i = 0; i < x.Length; i++)
        {
            double r = unit switch
            {
                "2th_deg" => x[i],
                "2th_rad" => x[i] * Math.PI / 180,
                "q_A^-1" => Q(x[i]),
                "q_nm^-1" => 10 * Q(x[i]),
                _ => throw new ArgumentException(unit),
            };
            sb.Append(ci, $"{r,15:E8}  {y[i],14:E6}");
            if (withSigma) sb.Append(ci, $"  {s[i],14:E6}");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
