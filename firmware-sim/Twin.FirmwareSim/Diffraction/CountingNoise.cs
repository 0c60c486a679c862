namespace Twin.FirmwareSim.Diffraction;

/// <summary>Photon-counting noise: a Poisson draw around the expected counts.</summary>
public static class CountingNoise
{
    /// <summary>Below this many expected counts the draw is an exact Poisson draw; above, the normal approximation
    /// with σ = √counts (its error is far below the noise itself there).</summary>
    public const double ExactBelow = 50;

    /// <summary>Draws counted photons for an expected number.</summary>
    /// <param name="random">The random source.</param>
    /// <param name="expected">Expected counts (≥ 0; a non-positive or NaN value gives 0).</param>
    /// <returns>The counts drawn (≥ 0).</returns>
    public static double Sample(Random random, double expected)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(expected > 0)) return 0;
        if (expected < ExactBelow)
        {
            // Knuth's multiplication method (The Art of Computer Programming, vol. 2, §3.4.1).
            double limit = Math.Exp(-expected), product = random.NextDouble();
            int k = 0;
            while (product > limit)
            {
                k++;
                product *= random.NextDouble();
            }
            return k;
        }
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2); // Box–Muller
        return Math.Max(0, expected + Math.Sqrt(expected) * z);
    }
}
