namespace Twin.FirmwareSim.Diffraction;

/// <summary>
/// A constant offset of the simulated sample's lattice against the material's anchors, Å (positive = larger).
/// </summary>
/// <param name="AA">Added to a, Å.</param>
/// <param name="CA">Added to c, Å.</param>
public readonly record struct LatticeOffset(double AA, double CA)
{
    /// <summary>
    /// The default offset: +0.0002 Å in a, +0.002 Å in c (modelling assumption). Table 1 of Jousseaume et al. (2024)
    /// gives the pristine lattice to 0.0001 Å; a sample of the same nominal composition from another batch, and the
    /// zero-shift of another diffractometer, easily differ by a few of those units. The two offsets push an inversion
    /// the opposite ways (a larger a reads as more lithium, a larger c above c_Li 0.40 as less).
    /// </summary>
    public static LatticeOffset Default => new(0.0002, 0.002);

    /// <summary>No offset: the anchors' values interpolated linearly.</summary>
    public static LatticeOffset None => new(0, 0);
}
