namespace Twin.Core.Diffraction;

/// <summary>Settings of <see cref="PatternFitter"/>. The defaults are modelling assumptions, stated in docs/model.md §6.</summary>
public sealed record PatternFitOptions
{
    /// <summary>
    /// Reflections to fit, in order of priority (the first failed one names the failure of the pattern). Reflections
    /// whose search windows overlap are fitted together as a multiplet. Default
    /// <see cref="HexagonalReflection.LayeredOxideDefault"/>: (003), (104), (018), (110).
    /// </summary>
    public IReadOnlyList<HexagonalReflection> Reflections { get; init; } = HexagonalReflection.LayeredOxideDefault;

    /// <summary>
    /// Relative widening of each search window in d beyond the range the lattice model spans over its c_Li knots,
    /// e.g. 0.003 = ±0.3 % of d. Covers the model's own uncertainty, a wavelength or zero-shift error of the order of
    /// 0.1 %, and c_Li somewhat outside the knots. Default 0.003.
    /// </summary>
    public double SearchMarginRelative { get; init; } = 0.003;

    /// <summary>Half width of the fit window around the peak, in units of its first width estimate. Default 5.</summary>
    public double FitHalfWidthInFwhm { get; init; } = 5;

    /// <summary>Smallest smoothed peak height, in units of the noise of one point, that counts as a peak. Default 5.</summary>
    public double MinSignificance { get; init; } = 5;

    /// <summary>Largest standard uncertainty of a fitted centre, as a fraction of the fitted width. Default 0.25.</summary>
    public double MaxCentreSigmaPerFwhm { get; init; } = 0.25;

    /// <summary>Largest standard uncertainty of a, Å (0.005 Å is 0.05 in c_Li where a is steepest). Default 0.005.</summary>
    public double MaxASigmaA { get; init; } = 0.005;

    /// <summary>Largest standard uncertainty of c, Å. Default 0.02.</summary>
    public double MaxCSigmaA { get; init; } = 0.02;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A value is out of range or no reflection is given.</exception>
    public void Validate()
    {
        if (Reflections is null || Reflections.Count == 0) throw new ArgumentException("at least one reflection must be fitted");
        foreach (var r in Reflections)
            if (r.InPlane == 0 && r.L == 0) throw new ArgumentException($"reflection {r} is not a reflection");
        if (!(SearchMarginRelative is >= 0 and < 0.1)) throw new ArgumentException($"search margin {SearchMarginRelative} must be in [0, 0.1)");
        if (!(FitHalfWidthInFwhm is >= 2 and <= 50)) throw new ArgumentException($"fit half width {FitHalfWidthInFwhm} FWHM must be in [2, 50]");
        if (!(MinSignificance > 0)) throw new ArgumentException($"minimum significance {MinSignificance} must be positive");
        if (!(MaxCentreSigmaPerFwhm > 0)) throw new ArgumentException($"maximum centre σ {MaxCentreSigmaPerFwhm} FWHM must be positive");
        if (!(MaxASigmaA > 0) || !(MaxCSigmaA > 0)) throw new ArgumentException("maximum σ of a and c must be positive");
    }
}
