namespace Twin.FirmwareSim.Diffraction;

/// <summary>
/// Result of one simulated exposure: what the instrument reports (id, times, beam, range, detector, file) and the
/// simulator's truth behind the pattern (<see cref="CLiMid"/>, <see cref="AA"/>, <see cref="CA"/>, <see cref="Peaks"/>),
/// which is neither written to the file nor sent to the driver.
/// </summary>
/// <param name="PatternId">Pattern id.</param>
/// <param name="StartUnixNs">Exposure start (simulator clock), UTC ns since the Unix epoch.</param>
/// <param name="EndUnixNs">Exposure end, = start + exposure.</param>
/// <param name="ExposureS">Exposure, simulated seconds.</param>
/// <param name="WavelengthA">Wavelength, Å.</param>
/// <param name="TwoThetaMinDeg">Lower end of the pattern, degrees.</param>
/// <param name="TwoThetaMaxDeg">Upper end of the pattern, degrees.</param>
/// <param name="Detector">Detector name.</param>
/// <param name="FilePath">Absolute path of the written pattern file.</param>
/// <param name="CLiMid">True cathode lithium content at the exact middle of the exposure (linear interpolation between the bench readings just before and just after it).</param>
/// <param name="MidUnixNs">The middle of the exposure, (start + end) / 2, UTC ns since the Unix epoch.</param>
/// <param name="AA">Lattice parameter a at <paramref name="CLiMid"/> (the simulator's truth), Å.</param>
/// <param name="CA">Lattice parameter c at <paramref name="CLiMid"/> (the simulator's truth), Å.</param>
/// <param name="Peaks">Reflections drawn (positions and widths).</param>
public sealed record DiffractionExposure(
    string PatternId,
    long StartUnixNs,
    long EndUnixNs,
    double ExposureS,
    double WavelengthA,
    double TwoThetaMinDeg,
    double TwoThetaMaxDeg,
    string Detector,
    string FilePath,
    double CLiMid,
    long MidUnixNs,
    double AA,
    double CA,
    IReadOnlyList<SimulatedPeak> Peaks)
{
    /// <summary>Photon energy, keV (E = hc/λ).</summary>
    public double EnergyKeV => Twin.Core.Lattice.XRay.HcKeVAngstrom / WavelengthA;

    /// <summary><c>file://</c> URI of <see cref="FilePath"/>.</summary>
    public string Uri => new Uri(FilePath).AbsoluteUri;
}
