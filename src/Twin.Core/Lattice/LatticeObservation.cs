namespace Twin.Core.Lattice;

/// <summary>A lattice measured at a time (a pattern's mid-exposure), e.g. one row of a beamline's refinement table.</summary>
/// <param name="TimeS">When it applies, s on the sample clock.</param>
/// <param name="Lattice">a and c with their σ where given.</param>
public readonly record struct LatticeObservation(double TimeS, MeasuredLattice Lattice);
