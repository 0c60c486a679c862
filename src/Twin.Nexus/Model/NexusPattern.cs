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

/// <summary>The integrated pattern itself, as read from the pattern file.</summary>
/// <param name="Axis">What <paramref name="X"/> is: 2θ in degrees or q in Å⁻¹.</param>
/// <param name="X">Radial positions, one per point.</param>
/// <param name="Intensity">Intensity, counts, one per point.</param>
public sealed record NexusPatternData(Twin.Core.Diffraction.RadialAxis Axis, double[] X, double[] Intensity)
{
    /// <summary>The NXdata axis name: "two_theta" or "q".</summary>
    public string AxisName => Axis == Twin.Core.Diffraction.RadialAxis.QPerAngstrom ? "q" : "two_theta";

    /// <summary>The axis units: "degree" or "1/angstrom".</summary>
    public string AxisUnits => Axis == Twin.Core.Diffraction.RadialAxis.QPerAngstrom ? "1/angstrom" : "degree";
}
