using Twin.Drivers.Triggers;

namespace Twin.FirmwareSim.Tests.Diffraction;

/// <summary>Finds peaks in a pattern read from its file, as a person with a ruler would: no knowledge of the generator.</summary>
internal static class PatternPeaks
{
    /// <summary>Position of the maximum within ±<paramref name="window"/> of a guess, refined by a parabola through the
    /// highest point and its two neighbours.</summary>
    public static double Maximum(IntegratedPattern p, double guess, double window)
    {
        int best = -1;
        for (int i = 1; i < p.TwoThetaDeg.Count - 1; i++)
            if (Math.Abs(p.TwoThetaDeg[i] - guess) <= window && (best < 0 || p.Intensity[i] > p.Intensity[best])) best = i;
        double y0 = p.Intensity[best - 1], y1 = p.Intensity[best], y2 = p.Intensity[best + 1];
        return p.TwoThetaDeg[best] + 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2) * (p.TwoThetaDeg[best + 1] - p.TwoThetaDeg[best]);
    }
}
