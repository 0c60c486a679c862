namespace Twin.Core.Diffraction;

/// <summary>
/// The outcome for one reflection (or one member of a doublet) of a pattern: its fitted peak, or why there is none.
/// Positions are in the pattern's radial unit (2θ in degrees or q in Å⁻¹).
/// </summary>
/// <param name="Reflection">The reflection.</param>
/// <param name="Failure">Why it was not fitted; null when it was.</param>
/// <param name="Message">One line: the result or the reason.</param>
/// <param name="SearchLow">Lower end of where the lattice model allows the peak (radial unit).</param>
/// <param name="SearchHigh">Upper end of it.</param>
/// <param name="Position">Fitted centre; NaN when not fitted.</param>
/// <param name="PositionSigma">Standard uncertainty of the centre (fit covariance scaled by the reduced χ²); NaN when not fitted.</param>
/// <param name="DSpacingA">d-spacing of the centre, Å; NaN when not fitted.</param>
/// <param name="DSpacingSigmaA">Its standard uncertainty, Å; NaN when not fitted.</param>
/// <param name="Fwhm">Fitted full width at half maximum (radial unit); NaN when not fitted.</param>
/// <param name="Eta">Fitted Lorentzian fraction of the pseudo-Voigt; NaN when not fitted.</param>
/// <param name="Height">Fitted peak height above the background (intensity unit); NaN when not fitted.</param>
/// <param name="ReducedChiSquare">χ²/(n − p) of the window fit; NaN when not fitted.</param>
/// <param name="Points">Points in the fit window (0 when none).</param>
public sealed record ReflectionFit(
    HexagonalReflection Reflection,
    DiffractionFitFailure? Failure,
    string Message,
    double SearchLow,
    double SearchHigh,
    double Position,
    double PositionSigma,
    double DSpacingA,
    double DSpacingSigmaA,
    double Fwhm,
    double Eta,
    double Height,
    double ReducedChiSquare,
    int Points)
{
    /// <summary>True when the peak was fitted.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>A reflection that gave no peak.</summary>
    /// <param name="reflection">The reflection.</param>
    /// <param name="failure">Why.</param>
    /// <param name="message">What was found and what was expected.</param>
    /// <param name="searchLow">Lower end of the search window.</param>
    /// <param name="searchHigh">Upper end of the search window.</param>
    /// <param name="points">Points looked at.</param>
    /// <returns>The record, with NaN for every fitted number.</returns>
    public static ReflectionFit Failed(HexagonalReflection reflection, DiffractionFitFailure failure, string message,
        double searchLow, double searchHigh, int points = 0) =>
        new(reflection, failure, message, searchLow, searchHigh,
            double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, points);
}
