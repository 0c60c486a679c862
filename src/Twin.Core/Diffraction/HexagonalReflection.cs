namespace Twin.Core.Diffraction;

/// <summary>
/// A Bragg reflection (h k l) of a rhombohedral layered oxide (space group R-3m) indexed on hexagonal axes.
/// Its spacing follows 1/d² = 4/3·(h² + hk + k²)/a² + l²/c² (hexagonal-axes formula; International Tables for
/// Crystallography Vol. C, Table 1.1.2.1; Cullity &amp; Stock, Elements of X-Ray Diffraction, 3rd ed., Appendix 3).
/// </summary>
/// <param name="H">Miller index h.</param>
/// <param name="K">Miller index k.</param>
/// <param name="L">Miller index l.</param>
public readonly record struct HexagonalReflection(int H, int K, int L)
{
    /// <summary>(003): d = c/3, fixes c alone.</summary>
    public static HexagonalReflection R003 => new(0, 0, 3);

    /// <summary>(101): 1/d² = 4/(3a²) + 1/c², almost all a.</summary>
    public static HexagonalReflection R101 => new(1, 0, 1);

    /// <summary>(104): 1/d² = 4/(3a²) + 16/c², the strongest reflection that fixes a (with (003)).</summary>
    public static HexagonalReflection R104 => new(1, 0, 4);

    /// <summary>(018): 1/d² = 4/(3a²) + 64/c², the partner of (110) in the (018)/(110) doublet.</summary>
    public static HexagonalReflection R018 => new(0, 1, 8);

    /// <summary>(110): d = a/2, fixes a alone.</summary>
    public static HexagonalReflection R110 => new(1, 1, 0);

    /// <summary>The reflections fitted by default, in order of priority: (003), (104), (018), (110). (101) is left out: it crosses (006) near c_Li = 0.4.</summary>
    public static IReadOnlyList<HexagonalReflection> LayeredOxideDefault { get; } = [R003, R104, R018, R110];

    /// <summary>h² + hk + k², the coefficient of 4/(3a²) in 1/d².</summary>
    public int InPlane => H * H + H * K + K * K;

    /// <summary>True when the reflection is allowed in R-3m on hexagonal axes (obverse setting: −h + k + l = 3n).</summary>
    public bool IsAllowedInRThreeM => ((-H + K + L) % 3 + 3) % 3 == 0;

    /// <summary>Label such as "003" or "104" (indices written without separators).</summary>
    public string Label => $"{H}{K}{L}";

    /// <summary>1/d² in Å⁻².</summary>
    /// <param name="aA">a in Å, positive.</param>
    /// <param name="cA">c in Å, positive.</param>
    /// <returns>1/d².</returns>
    public double InverseDSquared(double aA, double cA) => 4.0 * InPlane / (3.0 * aA * aA) + (double)L * L / (cA * cA);

    /// <summary>d-spacing in Å.</summary>
    /// <param name="aA">a in Å, positive.</param>
    /// <param name="cA">c in Å, positive.</param>
    /// <returns>d.</returns>
    public double DSpacing(double aA, double cA) => 1.0 / Math.Sqrt(InverseDSquared(aA, cA));

    /// <inheritdoc />
    public override string ToString() => $"({Label})";
}
