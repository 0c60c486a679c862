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
public readonly record struct MeasuredLattice(double? AA, double? ASigmaA, double? CA, double? CSigmaA, double CovarianceAC = 0);
