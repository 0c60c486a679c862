using Twin.Core.Diffraction;

namespace Twin.Data.Readers.Diffraction;

/// <summary>
/// Radial-unit names of integrated patterns as pyFAI writes them in the column line (<c>2th_deg</c>, <c>2th_rad</c>,
/// <c>q_nm^-1</c>, <c>q_A^-1</c>; pyFAI's <c>units</c> module) and a few common spellings, with the factor that brings
/// values to degrees or Å⁻¹.
/// </summary>
internal static class RadialUnitText
{
    private static readonly string[] TwoThetaDeg = ["2th_deg", "2theta", "2theta_deg", "2θ", "2θ_deg", "tth", "two_theta"];
    private static readonly string[] Unsupported = ["r_mm", "r_m", "chi_deg", "chi_rad", "d*2_a^-2", "d*2_nm^-2", "s_nm^-1", "s_a^-1", "log10(q.m)_none", "log(q.nm)_none"];

    /// <summary>Recognises the first word of a comment line as a radial unit.</summary>
    /// <param name="word">The word.</param>
    /// <param name="axis">The axis.</param>
    /// <param name="factor">Multiplier to degrees (2θ) or Å⁻¹ (q).</param>
    /// <returns>True for a supported unit, false when the word is no unit; null for a radial unit that cannot be fitted.</returns>
    public static bool? TryParse(string word, out RadialAxis axis, out double factor)
    {
        string w = word.ToLowerInvariant();
        axis = RadialAxis.TwoThetaDeg;
        factor = 1;
        if (Array.IndexOf(TwoThetaDeg, w) >= 0) return true;
        if (w == "2th_rad")
        {
            factor = 180 / Math.PI;
            return true;
        }
        if (w is "q_a^-1" or "q_å^-1" or "q_a-1" or "q_å-1")
        {
            axis = RadialAxis.QPerAngstrom;
            return true;
        }
        if (w is "q_nm^-1" or "q_nm-1")
        {
            axis = RadialAxis.QPerAngstrom;
            factor = 0.1;
            return true;
        }
        return Array.IndexOf(Unsupported, w) >= 0 ? null : false;
    }
}
