namespace Twin.Core.Diffraction;

/// <summary>
/// Converts between a pattern's radial coordinate (2θ in degrees or q in Å⁻¹) and the lattice-plane spacing d:
/// Bragg's law λ = 2 d sin θ and q = 2π / d (e.g. Warren, X-Ray Diffraction, Dover 1990, §1.3 and §2.2).
/// </summary>
public readonly struct RadialScale
{
    private const double DegToRad = Math.PI / 180.0;

    private RadialScale(RadialAxis axis, double wavelengthA)
    {
        Axis = axis;
        WavelengthA = wavelengthA;
    }

    /// <summary>The radial quantity.</summary>
    public RadialAxis Axis { get; }

    /// <summary>Wavelength in Å used for 2θ; NaN for a q axis (not needed).</summary>
    public double WavelengthA { get; }

    /// <summary>A 2θ scale at a wavelength.</summary>
    /// <param name="wavelengthA">λ in Å, positive and finite.</param>
    /// <returns>The scale.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The wavelength is not a positive finite number.</exception>
    public static RadialScale TwoTheta(double wavelengthA)
    {
        if (!(wavelengthA > 0) || !double.IsFinite(wavelengthA))
            throw new ArgumentOutOfRangeException(nameof(wavelengthA), wavelengthA, "wavelength must be a positive number of Å");
        return new RadialScale(RadialAxis.TwoThetaDeg, wavelengthA);
    }

    /// <summary>The q scale (Å⁻¹).</summary>
    public static RadialScale Q => new(RadialAxis.QPerAngstrom, double.NaN);

    /// <summary>d-spacing at a radial position.</summary>
    /// <param name="x">2θ in degrees or q in Å⁻¹.</param>
    /// <returns>d in Å (NaN when x is not a valid position, e.g. 2θ ≤ 0).</returns>
    public double DSpacing(double x) => Axis == RadialAxis.QPerAngstrom
        ? (x > 0 ? 2 * Math.PI / x : double.NaN)
        : (x > 0 && x < 180 ? WavelengthA / (2 * Math.Sin(x * DegToRad / 2)) : double.NaN);

    /// <summary>Derivative dd/dx at a radial position (Å per degree, or Å per Å⁻¹).</summary>
    /// <param name="x">2θ in degrees or q in Å⁻¹.</param>
    /// <returns>The derivative (negative: d falls as x grows).</returns>
    public double DSpacingSlope(double x)
    {
        if (Axis == RadialAxis.QPerAngstrom) return -2 * Math.PI / (x * x);
        double half = x * DegToRad / 2;
        return -DSpacing(x) / Math.Tan(half) * DegToRad / 2;
    }

    /// <summary>Radial position of a d-spacing.</summary>
    /// <param name="dA">d in Å, positive.</param>
    /// <returns>2θ in degrees or q in Å⁻¹; NaN when the reflection is not reachable (λ &gt; 2d).</returns>
    public double Position(double dA)
    {
        if (!(dA > 0)) return double.NaN;
        if (Axis == RadialAxis.QPerAngstrom) return 2 * Math.PI / dA;
        double s = WavelengthA / (2 * dA);
        return s > 1 ? double.NaN : 2 * Math.Asin(s) / DegToRad;
    }

    /// <summary>Unit of the radial coordinate, for messages: "°" or "Å⁻¹".</summary>
    public string Unit => Axis == RadialAxis.QPerAngstrom ? " Å⁻¹" : "°";
}
