namespace Twin.Core.Strain;

/// <summary>How the points of a strain table are weighted in <see cref="StrainCalibration.Fit"/>.</summary>
public enum StrainWeighting
{
    /// <summary>Every point has the same absolute error: minimises Σ (ε_i − f(c_i))². The largest strains (deep
    /// delithiation) dominate.</summary>
    Absolute,

    /// <summary>Every point has the same relative error, σ_i ∝ ε_i (the measured value): minimises
    /// Σ ((ε_i − f(c_i))/ε_i)², so the plateau counts as much as the exponential branch. Needs ε_i &gt; 0.</summary>
    Relative,
}
