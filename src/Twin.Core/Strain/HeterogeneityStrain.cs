using Twin.Core.Lattice;

namespace Twin.Core.Strain;

/// <summary>
/// Strain from a local lithium heterogeneity Δc_Li, Jousseaume et al., Energy Environ. Sci. 2024, 17,
/// 2753, eqn (1): ε^a(c_Li, Δc_Li) = |f_a(c_Li − Δc_Li/2) − f_a(c_Li + Δc_Li/2)| / f_a(c_Li), and the
/// same with f_c for ε^c. Below c_Li = 0.40, ε^c reaches about 30 × ε^a (paper, Fig. 6C–D).
/// </summary>
public static class HeterogeneityStrain
{
    /// <summary>ε^a: strain along a for a heterogeneity Δc_Li (dimensionless).</summary>
    /// <param name="model">Lattice model giving f_a.</param>
    /// <param name="cLi">Mean lithium content.</param>
    /// <param name="deltaCLi">Full width of the local heterogeneity Δc_Li, ≥ 0.</param>
    /// <returns>ε^a (dimensionless, e.g. 1e-3 = 0.1 %).</returns>
    public static double EpsA(LatticeModel model, double cLi, double deltaCLi)
    {
        double h = deltaCLi / 2;
        return Math.Abs(model.A(cLi - h) - model.A(cLi + h)) / model.A(cLi);
    }

    /// <summary>ε^c: strain along c for a heterogeneity Δc_Li (dimensionless).</summary>
    /// <param name="model">Lattice model giving f_c.</param>
    /// <param name="cLi">Mean lithium content.</param>
    /// <param name="deltaCLi">Full width of the local heterogeneity Δc_Li, ≥ 0.</param>
    /// <returns>ε^c (dimensionless).</returns>
    public static double EpsC(LatticeModel model, double cLi, double deltaCLi)
    {
        double h = deltaCLi / 2;
        return Math.Abs(model.C(cLi - h) - model.C(cLi + h)) / model.C(cLi);
    }
}
