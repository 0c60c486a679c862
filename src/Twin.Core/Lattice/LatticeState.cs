namespace Twin.Core.Lattice;

/// <summary>The reduced lattice of a layered oxide at one lithium content (all lengths in Å, volume in Å³).</summary>
/// <param name="CLi">The lithium content evaluated.</param>
/// <param name="AA">Lattice parameter a, Å; equals the TM–TM distance d_TM.</param>
/// <param name="CA">Lattice parameter c, Å (hexagonal setting of R-3m).</param>
/// <param name="VolumeA3">Unit-cell volume V = (√3/2)·a²·c, Å³.</param>
/// <param name="RelativeA">(a − a_pristine)/a_pristine.</param>
/// <param name="RelativeC">(c − c_pristine)/c_pristine.</param>
/// <param name="RelativeVolume">(V − V_pristine)/V_pristine.</param>
/// <param name="Extrapolated">True when c_Li is outside the knot range and the end value was used.</param>
public readonly record struct LatticeState(
    double CLi, double AA, double CA, double VolumeA3,
    double RelativeA, double RelativeC, double RelativeVolume, bool Extrapolated)
{
    /// <summary>Interlayer distance d_IL = c/3, Å (three slabs per hexagonal cell).</summary>
    public double DIlA => CA / 3.0;

    /// <summary>TM–TM distance d_TM = a, Å.</summary>
    public double DTmA => AA;

    /// <summary>(003) lattice-plane spacing d_003 = c/3, Å.</summary>
    public double D003A => CA / 3.0;
}
