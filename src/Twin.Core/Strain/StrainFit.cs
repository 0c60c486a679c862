namespace Twin.Core.Strain;

/// <summary>Result of fitting the anisotropic-strain master curve to measured (c_Li, ε) points.</summary>
/// <param name="Curve">Best-fit ε0, λ and c_crit.</param>
/// <param name="Eps0StdErr">Standard error of ε0 (same units as ε).</param>
/// <param name="LambdaStdErr">Standard error of λ (units of c_Li).</param>
/// <param name="CCritStdErr">Standard error of c_crit (units of c_Li).</param>
/// <param name="RmsResidual">Root-mean-square residual of ε (same units as ε).</param>
/// <param name="Points">Number of points fitted.</param>
/// <param name="PointsBelowCrit">Number of points with c_Li below the fitted c_crit (the exponential branch).</param>
/// <param name="Weighting">The weighting the fit used.</param>
/// <param name="RmsRelativeResidual">Root-mean-square of (ε_i − f(c_i))/ε_i (dimensionless); NaN when an ε_i is 0.</param>
public sealed record StrainFit(
    AnisotropicStrainCurve Curve,
    double Eps0StdErr,
    double LambdaStdErr,
    double CCritStdErr,
    double RmsResidual,
    int Points,
    int PointsBelowCrit,
    StrainWeighting Weighting = StrainWeighting.Absolute,
    double RmsRelativeResidual = double.NaN);
