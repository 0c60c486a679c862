namespace Twin.Core.Lattice;

/// <summary>
/// Lattice parameters as measured: fitted from a pattern here, or refined elsewhere (the beamline's Le Bail or Rietveld
/// results). Either may be missing; a missing σ is replaced by the assumption of <see cref="LatticeInversionOptions"/>.
/// </summary>
/// <param name="AA">a, Å, or null.</param>
/// <param name="ASigmaA">Standard uncertainty of a, Å, or null when not given.</param>
/// <param name="CA">c, Å, or null.</param>
/// <param name="CSigmaA">Standard uncertainty of c, Å, or null when not given.</param>
/// <param name="CovarianceAC">Covariance of a and c, Å² (0 when unknown).</param>
public readonly record struct MeasuredLattice(double? AA, double? ASigmaA, double? CA, double? CSigmaA, double CovarianceAC = 0)
{
    /// <summary>Smallest plausible a, Å. Layered oxides have a ≈ 2.8–2.9 Å; anything outside 1–10 Å is a unit mistake (nm, pm) or a corrupted value.</summary>
    public const double MinAA = 1;

    /// <summary>Largest plausible a, Å.</summary>
    public const double MaxAA = 10;

    /// <summary>Smallest plausible c, Å. Layered oxides have c ≈ 14.0–14.5 Å (hexagonal setting); outside 5–50 Å is a unit mistake.</summary>
    public const double MinCA = 5;

    /// <summary>Largest plausible c, Å.</summary>
    public const double MaxCA = 50;
}
