namespace Twin.Core.Materials;

/// <summary>One knot of a material's reduced lattice model.</summary>
/// <param name="CLi">Lithium content c_Li at the knot (dimensionless).</param>
/// <param name="AA">Lattice parameter a (= d_TM) in Å.</param>
/// <param name="CA">Lattice parameter c (= 3 d_IL) in Å.</param>
/// <param name="ASource">Full citation or derivation of <paramref name="AA"/>.</param>
/// <param name="CSource">Full citation or derivation of <paramref name="CA"/>.</param>
public sealed record LatticeKnot(double CLi, double AA, double CA, string ASource, string CSource);
