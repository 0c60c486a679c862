namespace Twin.Core.Diffraction;

/// <summary>The radial (abscissa) quantity of an integrated powder pattern.</summary>
public enum RadialAxis
{
    /// <summary>Scattering angle 2θ in degrees; turning it into a d-spacing needs the wavelength (Bragg: λ = 2 d sin θ).</summary>
    TwoThetaDeg,

    /// <summary>Scattering vector magnitude q = 4π sin θ / λ in Å⁻¹; d = 2π / q needs no wavelength.</summary>
    QPerAngstrom,
}
