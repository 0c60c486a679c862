namespace Twin.FirmwareSim.Diffraction;

/// <summary>
/// Peak widths of the simulated diffractometer: instrument, crystallite size and microstrain, the latter growing along c
/// below c_Li = 0.40 as the anisotropic strain of Jousseaume et al. (Energy Environ. Sci. 2024, 17, 2753, §3.5: the
/// ⟨00l⟩ reflections broaden at the end of charge).
/// </summary>
/// <remarks>
/// FWHM² = W_inst² + W_size² + W_strain² (quadrature sum: modelling assumption), with the size term K·λ/(L·cos θ)
/// (Scherrer, K = 0.9) and the strain term 4·ε·tan θ (both radians of 2θ; Williamson &amp; Hall, Acta Metall. 1 (1953)
/// 22). ε = ε_iso·(1 + g(c_Li)·cos²φ), cos²φ the share of the scattering vector along c* and
/// g = exp((0.40 − c_Li)/0.10) − 1 below 0.40, 0 above: onset from the paper, growth length 0.10 a modelling
/// assumption. No peak is narrower than the instrument.
/// </remarks>
public static class PeakBroadening
{
    /// <summary>Scherrer constant K for roughly equiaxed crystallites.</summary>
    public const double ScherrerK = 0.9;

    /// <summary>c_Li below which strain along c grows (Jousseaume et al. 2024, §3.5).</summary>
    public const double AnisotropicOnsetCLi = 0.40;

    /// <summary>c_Li over which the strain along c grows by a factor e below the onset (modelling assumption).</summary>
    public const double AnisotropicGrowthCLi = 0.10;

    /// <summary>The FWHM of a reflection, degrees 2θ.</summary>
    /// <param name="settings">Instrument width, crystallite size and microstrain (or a fixed <see cref="DiffractometerSettings.PeakFwhmDeg"/>).</param>
    /// <param name="twoThetaDeg">Bragg angle 2θ, degrees.</param>
    /// <param name="alongC">cos²φ of the reflection (<see cref="LayeredOxideReflection.AlongCFraction"/>).</param>
    /// <param name="cLi">Lithium content of the sample.</param>
    /// <returns>FWHM, degrees 2θ (NaN when 2θ is NaN).</returns>
    public static double FwhmDeg(DiffractometerSettings settings, double twoThetaDeg, double alongC, double cLi)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (double.IsNaN(twoThetaDeg)) return double.NaN;
        if (settings.PeakFwhmDeg is { } fixedWidth) return fixedWidth;
        double theta = twoThetaDeg / 2 * Math.PI / 180;
        double size = ScherrerK * settings.WavelengthA / (settings.CrystalliteSizeNm * 10 * Math.Cos(theta));
        double growth = cLi < AnisotropicOnsetCLi ? Math.Exp((AnisotropicOnsetCLi - cLi) / AnisotropicGrowthCLi) - 1 : 0;
        double strain = 4 * settings.Microstrain * (1 + growth * alongC) * Math.Tan(theta);
        double sample = (size * size + strain * strain) * (180 / Math.PI) * (180 / Math.PI);
        return Math.Sqrt(settings.InstrumentFwhmDeg * settings.InstrumentFwhmDeg + sample);
    }
}
