namespace Twin.Drivers.Triggers;

/// <summary>
/// One finished diffraction acquisition as the driver saw it. Maps 1:1 onto the MQTT pattern record (README.md, "Topics and payloads")
/// (<c>Twin.Messaging.Contracts.PatternRecord</c>: <c>pattern_id</c>, <c>start_unix_ns</c>, <c>end_unix_ns</c>,
/// <c>exposure_s</c>, <c>wavelength_A</c> / <c>energy_keV</c>, <c>two_theta_min_deg</c>, <c>two_theta_max_deg</c>,
/// <c>detector</c>, <c>uri</c>, <c>c_li_mid</c>); the sequence number is added by the publisher.
/// </summary>
/// <param name="PatternId">Pattern id, unique per cell (see <see cref="TriggerProtocol.IsValidPatternId"/>).</param>
/// <param name="StartUnixNs">Exposure start, UTC, ns since the Unix epoch.</param>
/// <param name="EndUnixNs">Exposure end, UTC, ns since the Unix epoch (≥ <paramref name="StartUnixNs"/>).</param>
/// <param name="ExposureS">Exposure (counting) time, s.</param>
/// <param name="WavelengthA">X-ray wavelength, Å, when known.</param>
/// <param name="EnergyKeV">Photon energy, keV, when known (λ = hc/E, see <see cref="Twin.Core.Lattice.XRay"/>).</param>
/// <param name="TwoThetaMinDeg">Lower end of the recorded 2θ range, degrees.</param>
/// <param name="TwoThetaMaxDeg">Upper end of the recorded 2θ range, degrees.</param>
/// <param name="Detector">Detector name (free text, e.g. "Pilatus3 X CdTe 2M").</param>
/// <param name="Uri">Where the pattern is stored: a <c>file://</c> URI or a path; empty when nothing was written.</param>
public sealed record AcquiredPattern(
    string PatternId,
    long StartUnixNs,
    long EndUnixNs,
    double ExposureS,
    double? WavelengthA,
    double? EnergyKeV,
    double TwoThetaMinDeg,
    double TwoThetaMaxDeg,
    string Detector,
    string Uri)
{
    /// <summary>
    /// The twin's cathode lithium content at mid-exposure: filled in by the driver from the twin's states that bracket
    /// the middle of the exposure; null when it has none there (the twin service fills it then). Triggers leave it
    /// null — a detector or a pattern file does not know the cell's lithium content.
    /// </summary>
    public double? CLiMid { get; init; }

    /// <summary>Middle of the exposure, UTC, ns since the Unix epoch.</summary>
    public long MidUnixNs => StartUnixNs + (EndUnixNs - StartUnixNs) / 2;
}
