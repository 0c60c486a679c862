using Twin.Core.Lattice;

namespace Twin.FirmwareSim.Diffraction;

/// <summary>Beam, detector and profile settings of <see cref="SimulatedDiffractometer"/>.</summary>
public sealed record DiffractometerSettings
{
    /// <summary>
    /// Wavelength, Å. Default λ = hc/E for 60 keV (0.20664 Å), a typical high-energy synchrotron powder-diffraction
    /// energy for operando cells. Use 1.5406 Å for Cu Kα1 laboratory instruments (with a 2θ range of about 15–50°).
    /// </summary>
    public double WavelengthA { get; init; } = XRay.WavelengthFromEnergy(60);

    /// <summary>Lower end of the integrated 2θ range, degrees. Default 1.5° (covers (003) … (104) at 60 keV).</summary>
    public double TwoThetaMinDeg { get; init; } = 1.5;

    /// <summary>Upper end of the integrated 2θ range, degrees. Default 7.0°.</summary>
    public double TwoThetaMaxDeg { get; init; } = 7.0;

    /// <summary>Number of points of the integrated pattern (≥ 50). Default 800.</summary>
    public int Points { get; init; } = 800;

    /// <summary>Peak full width at half maximum, degrees 2θ; null = 4 × the point step.</summary>
    public double? PeakFwhmDeg { get; init; }

    /// <summary>Lorentzian fraction η of the pseudo-Voigt profile, in [0, 1]. Default 0.5.</summary>
    public double PseudoVoigtEta { get; init; } = 0.5;

    /// <summary>Peak height of the (003) reflection, counts per second of exposure, before noise. Default 500.</summary>
    public double PeakCountsPerS { get; init; } = 500;

    /// <summary>Flat background, counts per second of exposure. Default 5 (1 % of the (003) height).</summary>
    public double BackgroundCountsPerS { get; init; } = 5;

    /// <summary>Seed of the counting noise (Gaussian with σ = √counts); null = no noise. Default 12345.</summary>
    public int? NoiseSeed { get; init; } = 12345;

    /// <summary>Detector name written to the file and the record (spaces become '_' on the trigger protocol). Default "sim-detector".</summary>
    public string Detector { get; init; } = "sim-detector";

    /// <summary>Sample–detector distance written to the pyFAI header, m. Default 0.5.</summary>
    public double DistanceM { get; init; } = 0.5;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (!(WavelengthA > 0) || !double.IsFinite(WavelengthA)) throw new ArgumentException($"wavelength {WavelengthA} Å must be positive");
        if (!(TwoThetaMinDeg >= 0) || !(TwoThetaMaxDeg > TwoThetaMinDeg) || !(TwoThetaMaxDeg < 180))
            throw new ArgumentException($"2θ range [{TwoThetaMinDeg}, {TwoThetaMaxDeg}]° must satisfy 0 ≤ min < max < 180");
        if (Points < 50) throw new ArgumentException($"points {Points} must be at least 50");
        if (PeakFwhmDeg is { } f && !(f > 0)) throw new ArgumentException($"peak FWHM {f}° must be positive");
        if (!(PseudoVoigtEta is >= 0 and <= 1)) throw new ArgumentException($"pseudo-Voigt η {PseudoVoigtEta} must be in [0, 1]");
        if (!(PeakCountsPerS > 0) || !(BackgroundCountsPerS >= 0)) throw new ArgumentException("peak counts must be positive and background non-negative");
        if (string.IsNullOrWhiteSpace(Detector)) throw new ArgumentException("detector name must not be empty");
    }
}
