namespace Twin.FirmwareSim.Diffraction;

/// <summary>
/// A Bragg reflection of the rhombohedral layered oxide (space group R-3m, hexagonal setting) that the simulated
/// diffractometer draws.
/// </summary>
/// <param name="H">Miller index h.</param>
/// <param name="K">Miller index k.</param>
/// <param name="L">Miller index l (R-3m reflection condition −h + k + l = 3n).</param>
/// <param name="RelativeIntensity">Peak area relative to (003) = 1.</param>
public readonly record struct LayeredOxideReflection(int H, int K, int L, double RelativeIntensity)
{
    /// <summary>
    /// The reflections drawn: (003), (101), (104). Relative intensities are illustrative values for a well-ordered
    /// Ni-rich layered oxide: I(003)/I(104) = 1.3, above the 1.2 that Ohzuku et al. (J. Electrochem. Soc. 140 (1993)
    /// 1862) use as the mark of low Li/Ni cation mixing, and (101) about a third of (003) as in typical LiNiO2-type
    /// laboratory patterns. They are not refined structure-factor values.
    /// </summary>
    public static IReadOnlyList<LayeredOxideReflection> Default { get; } =
    [
        new(0, 0, 3, 1.0),
        new(1, 0, 1, 0.35),
        new(1, 0, 4, 1.0 / 1.3),
    ];

    /// <summary>Label such as "003" or "104".</summary>
    public string Label => $"{H}{K}{L}";

    /// <summary>
    /// Interplanar spacing of the hexagonal lattice: 1/d² = 4(h² + hk + k²)/(3a²) + l²/c²
    /// (standard hexagonal-axes formula, e.g. Cullity &amp; Stock, Elements of X-Ray Diffraction, Appendix 3).
    /// </summary>
    /// <param name="aA">Lattice parameter a, Å (&gt; 0).</param>
    /// <param name="cA">Lattice parameter c, Å (&gt; 0).</param>
    /// <returns>d in Å.</returns>
    /// <exception cref="ArgumentOutOfRangeException">a or c not positive.</exception>
    public double DSpacingA(double aA, double cA)
    {
        if (!(aA > 0)) throw new ArgumentOutOfRangeException(nameof(aA), aA, "a must be positive");
        if (!(cA > 0)) throw new ArgumentOutOfRangeException(nameof(cA), cA, "c must be positive");
        double invD2 = 4.0 * (H * H + H * K + K * K) / (3.0 * aA * aA) + (double)(L * L) / (cA * cA);
        return 1.0 / Math.Sqrt(invD2);
    }
}
