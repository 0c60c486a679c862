namespace Twin.Core.Lattice;

/// <summary>X-ray helpers: photon energy ↔ wavelength and Bragg angles.</summary>
public static class XRay
{
    /// <summary>h·c in keV·Å (CODATA 2018: 12.398419843320026).</summary>
    public const double HcKeVAngstrom = 12.398419843320026;

    /// <summary>Wavelength from photon energy: λ = hc/E.</summary>
    /// <param name="energyKeV">Photon energy, keV, &gt; 0.</param>
    /// <returns>λ in Å.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the energy is not positive and finite.</exception>
    public static double WavelengthFromEnergy(double energyKeV)
    {
        if (!(energyKeV > 0) || !double.IsFinite(energyKeV))
            throw new ArgumentOutOfRangeException(nameof(energyKeV), energyKeV, "photon energy must be a positive number of keV");
        return HcKeVAngstrom / energyKeV;
    }

    /// <summary>Bragg angle 2θ for spacing d: λ = 2 d sin θ.</summary>
    /// <param name="dA">Lattice-plane spacing, Å.</param>
    /// <param name="wavelengthA">X-ray wavelength, Å (Cu Kα1 = 1.5406, Mo Kα1 = 0.70932; Hölzer et al., Phys. Rev. A 56
    /// (1997) 4554).</param>
    /// <returns>2θ in degrees, or NaN when the reflection is not reachable (λ &gt; 2d).</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the wavelength or spacing is not positive.</exception>
    public static double TwoThetaDeg(double dA, double wavelengthA)
    {
        if (!(wavelengthA > 0) || !double.IsFinite(wavelengthA))
            throw new ArgumentOutOfRangeException(nameof(wavelengthA), wavelengthA, "wavelength must be a positive number of Å");
        if (!(dA > 0)) throw new ArgumentOutOfRangeException(nameof(dA), dA, "d-spacing must be positive");
        double s = wavelengthA / (2 * dA);
        return s > 1 ? double.NaN : 2 * Math.Asin(s) * 180.0 / Math.PI;
    }
}
