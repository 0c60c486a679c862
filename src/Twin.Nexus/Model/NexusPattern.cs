namespace Twin.Nexus.Model;

/// <summary>One diffraction pattern as the experiment file keeps it.</summary>
/// <param name="Id">Pattern id, unique per cell.</param>
/// <param name="StartUnixNs">Exposure start, ns since the Unix epoch.</param>
/// <param name="EndUnixNs">Exposure end, ns since the Unix epoch.</param>
/// <param name="ExposureS">Exposure, s.</param>
/// <param name="WavelengthA">X-ray wavelength, Å; NaN when not given.</param>
/// <param name="CLiMid">The twin's c_Li at mid-exposure; NaN when none was had.</param>
/// <param name="CLiLattice">c_Li from the measured lattice; NaN when not invertible or no lattice.</param>
/// <param name="AA">Measured (fitted or refined) lattice parameter a, Å; NaN when none.</param>
/// <param name="CA">Measured lattice parameter c, Å; NaN when none.</param>
/// <param name="Status">How far the pattern got in the estimator ("applied", "not_invertible", …), or "".</param>
/// <param name="File">Path or URI of the pattern file, or "".</param>
public sealed record NexusPattern(string Id, long StartUnixNs, long EndUnixNs, double ExposureS, double WavelengthA, double CLiMid,
    double CLiLattice, double AA, double CA, string Status, string File)
{
    /// <summary>Middle of the exposure, ns since the Unix epoch.</summary>
    public long MidUnixNs => StartUnixNs + (EndUnixNs - StartUnixNs) / 2;
}

/// <summary>The integrated pattern itself: 2θ and intensity, as read from the pattern file.</summary>
/// <param name="TwoThetaDeg">Scattering angle 2θ, degrees, one per point.</param>
/// <param name="Intensity">Intensity, counts, one per point.</param>
public sealed record NexusPatternData(double[] TwoThetaDeg, double[] Intensity);
