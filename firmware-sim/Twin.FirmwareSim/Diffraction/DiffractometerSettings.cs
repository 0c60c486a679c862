using Twin.Core.Lattice;

namespace Twin.FirmwareSim.Diffraction;

/// <summary>Beam, detector, profile and counting settings of <see cref="SimulatedDiffractometer"/>.</summary>
public sealed record DiffractometerSettings
{
    /// <summary>Largest d-spacing the default 2θ range covers, Å (above the (003) at any c_Li: d_003 ≤ 4.83 Å).</summary>
    public const double DefaultLargestDA = 5.6;

    /// <summary>Smallest d-spacing the default 2θ range covers, Å (below the (113) at any c_Li: d_113 ≥ 1.34 Å).</summary>
    public const double DefaultSmallestDA = 1.30;

    /// <summary>
    /// Wavelength, Å. Default λ = hc/E for 60 keV (0.20664 Å), a typical high-energy synchrotron powder-diffraction
    /// energy for operando cells. Use 1.5406 Å for Cu Kα1 laboratory instruments.
    /// </summary>
    public double WavelengthA { get; init; } = XRay.WavelengthFromEnergy(60);

    /// <summary>Lower end of the integrated 2θ range, degrees; null (default) = where d = <see cref="DefaultLargestDA"/>
    /// at the wavelength (2.1° at 60 keV, 16.1° with Cu Kα1).</summary>
    public double? TwoThetaMinDeg { get; init; }

    /// <summary>Upper end of the integrated 2θ range, degrees; null (default) = where d = <see cref="DefaultSmallestDA"/>
    /// (9.1° at 60 keV, 72.8° with Cu Kα1), so (003) … (113) are inside at any wavelength.</summary>
    public double? TwoThetaMaxDeg { get; init; }

    /// <summary>Number of points of the integrated pattern (≥ 50). Default 5000 (a pyFAI integration of an area
    /// detector typically gives a few thousand bins; 5000 over the default range is a step of about 0.0014° at 60 keV).</summary>
    public int Points { get; init; } = 5000;

    /// <summary>A fixed FWHM for every peak, degrees 2θ; null (default) = the width model of <see cref="PeakBroadening"/>.</summary>
    public double? PeakFwhmDeg { get; init; }

    /// <summary>Instrumental FWHM, degrees 2θ. Default 0.01° (modelling assumption: a high-energy powder beamline with an
    /// area detector; Jousseaume et al. 2024 report an angular resolution of 7.8·10⁻³ for theirs).</summary>
    public double InstrumentFwhmDeg { get; init; } = 0.01;

    /// <summary>Coherent crystallite size, nm. Default 200 nm (primary particles of 100 nm–1 µm in Jousseaume et al.
    /// 2024, §3.1; the coherent domain size is a modelling assumption within that range).</summary>
    public double CrystalliteSizeNm { get; init; } = 200;

    /// <summary>Isotropic microstrain ε (dimensionless). Default 5·10⁻⁴ (modelling assumption).</summary>
    public double Microstrain { get; init; } = 5e-4;

    /// <summary>Lorentzian fraction η of the pseudo-Voigt profile, in [0, 1]. Default 0.5 (modelling assumption).</summary>
    public double PseudoVoigtEta { get; init; } = 0.5;

    /// <summary>Peak height of the (003) reflection, counts per second of exposure, before noise. Default 500. The other
    /// reflections have the area <see cref="LayeredOxideReflection.RelativeIntensity"/> times that of (003).</summary>
    public double PeakCountsPerS { get; init; } = 500;

    /// <summary>Background at the high-angle end, counts per second of exposure. Default 5 (1 % of the (003) height);
    /// it rises to twice that towards the low-angle end (air and window scatter; modelling assumption).</summary>
    public double BackgroundCountsPerS { get; init; } = 5;

    /// <summary>Seed of the counting noise (Poisson: exact below 50 counts, Gaussian with σ = √counts above); null = no
    /// noise. Default 12345.</summary>
    public int? NoiseSeed { get; init; } = 12345;

    /// <summary>Detector name written to the file and the record (spaces become '_' on the trigger protocol). Default "sim-detector".</summary>
    public string Detector { get; init; } = "sim-detector";

    /// <summary>Sample–detector distance written to the pyFAI header, m. Default 0.5.</summary>
    public double DistanceM { get; init; } = 0.5;

    /// <summary>The 2θ range integrated, degrees: the settings' ends, or the defaults from the wavelength.</summary>
    /// <returns>Lower and upper end, degrees (the upper end is 179° when λ is too long for the smallest d).</returns>
    public (double Min, double Max) TwoThetaRangeDeg()
    {
        double min = TwoThetaMinDeg ?? XRay.TwoThetaDeg(DefaultLargestDA, WavelengthA);
        double max = TwoThetaMaxDeg ?? XRay.TwoThetaDeg(DefaultSmallestDA, WavelengthA);
        return (double.IsNaN(min) ? 0 : min, double.IsNaN(max) ? 179 : max);
    }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!(WavelengthA > 0) || !double.IsFinite(WavelengthA)) throw new ArgumentException($"wavelength {WavelengthA} Å must be positive");
        var (lo, hi) = TwoThetaRangeDeg();
        if (!(lo >= 0) || !(hi > lo) || !(hi < 180))
            throw new ArgumentException($"2θ range [{lo}, {hi}]° must satisfy 0 ≤ min < max < 180");
        if (Points < 50) throw new ArgumentException($"points {Points} must be at least 50");
        if (PeakFwhmDeg is { } f && !(f > 0 && double.IsFinite(f))) throw new ArgumentException($"peak FWHM {f}° must be positive");
        if (!(InstrumentFwhmDeg > 0 && double.IsFinite(InstrumentFwhmDeg))) throw new ArgumentException($"instrumental FWHM {InstrumentFwhmDeg}° must be positive");
        if (!(CrystalliteSizeNm > 0 && double.IsFinite(CrystalliteSizeNm))) throw new ArgumentException($"crystallite size {CrystalliteSizeNm} nm must be positive");
        if (!(Microstrain >= 0 && double.IsFinite(Microstrain))) throw new ArgumentException($"microstrain {Microstrain} must be finite and ≥ 0");
        if (!(PseudoVoigtEta is >= 0 and <= 1)) throw new ArgumentException($"pseudo-Voigt η {PseudoVoigtEta} must be in [0, 1]");
        if (!(PeakCountsPerS > 0) || !(BackgroundCountsPerS >= 0)) throw new ArgumentException("peak counts must be positive and background non-negative");
        if (string.IsNullOrWhiteSpace(Detector)) throw new ArgumentException("detector name must not be empty");
    }
}
