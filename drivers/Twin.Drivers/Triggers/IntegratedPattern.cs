namespace Twin.Drivers.Triggers;

/// <summary>Header of an integrated 1D pattern file; every field is null when the file does not give it.</summary>
public sealed record IntegratedPatternHeader
{
    /// <summary>Wavelength, Å (from <c>wavelength_A</c>, else pyFAI's <c>Wavelength</c> in m × 1e10, else λ = hc/E from <c>energy_keV</c>).</summary>
    public double? WavelengthA { get; init; }
    /// <summary>Photon energy, keV, when the file gives <c>energy_keV</c>.</summary>
    public double? EnergyKeV { get; init; }
    /// <summary>Radial unit of the first column as declared (<c>2th_deg</c>, <c>2th_rad</c>), or <c>2th_deg</c> when undeclared; the data are always returned in degrees.</summary>
    public string RadialUnit { get; init; } = "2th_deg";
    /// <summary>Whether the file declared its radial unit in a column line.</summary>
    public bool RadialUnitDeclared { get; init; }
    /// <summary>Exposure, s.</summary>
    public double? ExposureS { get; init; }
    /// <summary>Exposure start, UTC, ns since the Unix epoch.</summary>
    public long? StartUnixNs { get; init; }
    /// <summary>Exposure end, UTC, ns since the Unix epoch.</summary>
    public long? EndUnixNs { get; init; }
    /// <summary>Detector name.</summary>
    public string? Detector { get; init; }
    /// <summary>Pattern id.</summary>
    public string? PatternId { get; init; }
    /// <summary>Sample–detector distance, m (pyFAI).</summary>
    public double? DistanceM { get; init; }
    /// <summary>Every <c># key: value</c> header line, keys case-insensitive, values trimmed (last occurrence wins).</summary>
    public IReadOnlyDictionary<string, string> Keys { get; init; } = new Dictionary<string, string>();
}

/// <summary>An integrated 1D powder pattern read from a file.</summary>
/// <param name="Path">The file read.</param>
/// <param name="Header">The parsed header.</param>
/// <param name="TwoThetaDeg">2θ, degrees, strictly increasing.</param>
/// <param name="Intensity">Intensity (arbitrary units, usually counts), same length.</param>
/// <param name="Sigma">Standard uncertainty of the intensity when the file has a third column, same length; else null.</param>
public sealed record IntegratedPattern(
    string Path,
    IntegratedPatternHeader Header,
    IReadOnlyList<double> TwoThetaDeg,
    IReadOnlyList<double> Intensity,
    IReadOnlyList<double>? Sigma)
{
    /// <summary>Lowest 2θ, degrees.</summary>
    public double TwoThetaMinDeg => TwoThetaDeg[0];
    /// <summary>Highest 2θ, degrees.</summary>
    public double TwoThetaMaxDeg => TwoThetaDeg[^1];
}
