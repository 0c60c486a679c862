namespace Twin.Core.Diffraction;

/// <summary>
/// An integrated (azimuthally averaged) 1D powder-diffraction pattern: radial positions in ascending order,
/// intensities and optionally their standard uncertainties, with the wavelength when it is known.
/// </summary>
/// <remarks>Holds nothing but what an integrated pattern carries; the lattice is never taken from it but fitted.</remarks>
public sealed class PowderPattern
{
    /// <summary>Builds and checks a pattern.</summary>
    /// <param name="origin">Where it came from (file name), for messages.</param>
    /// <param name="axis">What <paramref name="x"/> is.</param>
    /// <param name="x">Radial positions: 2θ in degrees or q in Å⁻¹, strictly ascending, finite, positive.</param>
    /// <param name="intensity">Intensities (any linear scale, e.g. counts), finite, same length.</param>
    /// <param name="sigma">Standard uncertainties of the intensities (positive, finite, same length), or null when not given.</param>
    /// <param name="wavelengthA">X-ray wavelength in Å (positive), or null when the source did not say.</param>
    /// <remarks>The arrays are kept, not copied: do not change them afterwards.</remarks>
    /// <exception cref="ArgumentException">Lengths differ, fewer than 2 points, a value is not finite, x not strictly
    /// ascending or not positive, a σ not positive, or the wavelength not positive.</exception>
    public PowderPattern(string origin, RadialAxis axis, double[] x, double[] intensity, double[]? sigma, double? wavelengthA)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(intensity);
        if (x.Length != intensity.Length)
            throw new ArgumentException($"{origin}: {x.Length} radial positions but {intensity.Length} intensities", nameof(intensity));
        if (sigma is not null && sigma.Length != x.Length)
            throw new ArgumentException($"{origin}: {x.Length} radial positions but {sigma.Length} σ values", nameof(sigma));
        if (x.Length < 2) throw new ArgumentException($"{origin}: a pattern needs at least 2 points, got {x.Length}", nameof(x));
        if (wavelengthA is { } w && (!(w > 0) || !double.IsFinite(w)))
            throw new ArgumentException($"{origin}: wavelength {w} Å must be a positive number", nameof(wavelengthA));
        for (int i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]) || !(x[i] > 0))
                throw new ArgumentException($"{origin}: point {i}: radial position {x[i]} must be a positive finite number", nameof(x));
            if (i > 0 && !(x[i] > x[i - 1]))
                throw new ArgumentException($"{origin}: point {i}: radial positions must increase ({x[i - 1]} then {x[i]})", nameof(x));
            if (!double.IsFinite(intensity[i]))
                throw new ArgumentException($"{origin}: point {i}: intensity {intensity[i]} is not finite", nameof(intensity));
            if (sigma is not null && (!(sigma[i] > 0) || !double.IsFinite(sigma[i])))
                throw new ArgumentException($"{origin}: point {i}: σ {sigma[i]} must be a positive finite number", nameof(sigma));
        }
        Origin = origin;
        Axis = axis;
        _x = x;
        _intensity = intensity;
        _sigma = sigma;
        WavelengthA = wavelengthA;
    }

    private readonly double[] _x;
    private readonly double[] _intensity;
    private readonly double[]? _sigma;

    /// <summary>Where the pattern came from.</summary>
    public string Origin { get; }

    /// <summary>What <see cref="X"/> is.</summary>
    public RadialAxis Axis { get; }

    /// <summary>Radial positions (2θ in degrees or q in Å⁻¹), strictly ascending.</summary>
    public ReadOnlySpan<double> X => _x;

    /// <summary>Intensities.</summary>
    public ReadOnlySpan<double> Intensity => _intensity;

    /// <summary>True when the source gave a standard uncertainty for every intensity.</summary>
    public bool HasSigma => _sigma is not null;

    /// <summary>Standard uncertainties of the intensities; empty when <see cref="HasSigma"/> is false.</summary>
    public ReadOnlySpan<double> Sigma => _sigma;

    /// <summary>X-ray wavelength in Å, or null when unknown.</summary>
    public double? WavelengthA { get; }

    /// <summary>Number of points.</summary>
    public int Count => _x.Length;

    /// <summary>The scale that turns radial positions into d-spacings, or null for a 2θ pattern without a wavelength.</summary>
    public RadialScale? Scale => Axis == RadialAxis.QPerAngstrom
        ? RadialScale.Q
        : WavelengthA is { } w ? RadialScale.TwoTheta(w) : null;
}
