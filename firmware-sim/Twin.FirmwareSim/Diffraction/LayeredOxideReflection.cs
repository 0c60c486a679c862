namespace Twin.FirmwareSim.Diffraction;

/// <summary>
/// A Bragg reflection of the rhombohedral layered oxide (space group R-3m, hexagonal setting) that the simulated
/// diffractometer draws.
/// </summary>
/// <param name="H">Miller index h.</param>
/// <param name="K">Miller index k.</param>
/// <param name="L">Miller index l (R-3m reflection condition −h + k + l = 3n).</param>
/// <param name="RelativeIntensity">Integrated intensity (peak area) relative to (003) = 1.</param>
public readonly record struct LayeredOxideReflection(int H, int K, int L, double RelativeIntensity)
{
    /// <summary>
    /// The reflections drawn: (003), (101), (006), (012), (104), (015), (107), (018), (110), (113) — the R-3m layered-oxide
    /// reflections from d ≈ 4.7 Å down to d ≈ 1.37 Å (in order of falling d for the pristine material), including the
    /// (006)/(012) and (018)/(110) doublets whose splitting follows c/a; on charge c grows while a shrinks and (006)
    /// passes (101) near c_Li 0.47, so the two merge. Relative integrated intensities (area, (003) = 1) are a modelling assumption of the order seen in
    /// powder patterns of well-ordered Ni-rich layered oxides, not refined structure factors: I(003)/I(104) = 1.3,
    /// above the 1.2 that Ohzuku et al. (J. Electrochem. Soc. 140 (1993) 1862) use as the mark of low Li/Ni cation
    /// mixing; (101) about a third of (003); the doublets and (015), (107), (113) between 5 % and 10 %.
    /// </summary>
    public static IReadOnlyList<LayeredOxideReflection> Default { get; } =
    [
        new(0, 0, 3, 1.0),
        new(1, 0, 1, 0.35),
        new(0, 0, 6, 0.06),
        new(0, 1, 2, 0.08),
        new(1, 0, 4, 1.0 / 1.3),
        new(0, 1, 5, 0.10),
        new(1, 0, 7, 0.06),
        new(0, 1, 8, 0.07),
        new(1, 1, 0, 0.08),
        new(1, 1, 3, 0.07),
    ];

    /// <summary>Label such as "003" or "104".</summary>
    public string Label => $"{H}{K}{L}";

    /// <summary>
    /// Share of the scattering vector along c*: cos²φ = (l/c)² · d², 1 for (00l), 0 for (hk0). Strain along c broadens a
    /// reflection in proportion to it.
    /// </summary>
    /// <param name="aA">Lattice parameter a, Å (&gt; 0).</param>
    /// <param name="cA">Lattice parameter c, Å (&gt; 0).</param>
    /// <returns>cos²φ in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">a or c not positive.</exception>
    public double AlongCFraction(double aA, double cA)
    {
        double d = DSpacingA(aA, cA);
        return L * L * d * d / (cA * cA);
    }

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
