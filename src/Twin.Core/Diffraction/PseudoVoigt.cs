namespace Twin.Core.Diffraction;

/// <summary>
/// The pseudo-Voigt peak profile of unit height: η·L + (1 − η)·G with a Lorentzian L and a Gaussian G of the same
/// full width at half maximum Γ (Wertheim et al., J. Electron Spectrosc. Relat. Phenom. 4 (1974) 432; its use for
/// powder profiles: Young &amp; Wiles, J. Appl. Cryst. 15 (1982) 430).
/// </summary>
/// <remarks>With u = 2(x − x0)/Γ: L = 1/(1 + u²), G = exp(−ln2·u²); both are 1 at x0 and ½ at x0 ± Γ/2.</remarks>
public static class PseudoVoigt
{
    /// <summary>ln 2.</summary>
    public const double Ln2 = 0.69314718055994530942;

    /// <summary>Profile value and its partial derivatives.</summary>
    /// <param name="x">Position.</param>
    /// <param name="x0">Peak centre.</param>
    /// <param name="fwhm">Full width at half maximum Γ, positive.</param>
    /// <param name="eta">Lorentzian fraction η in [0, 1].</param>
    /// <param name="dX0">∂f/∂x0.</param>
    /// <param name="dFwhm">∂f/∂Γ.</param>
    /// <param name="dEta">∂f/∂η.</param>
    /// <returns>f(x) in [0, 1].</returns>
    public static double Evaluate(double x, double x0, double fwhm, double eta, out double dX0, out double dFwhm, out double dEta)
    {
        double u = 2 * (x - x0) / fwhm;
        double u2 = u * u;
        double l = 1 / (1 + u2);
        double g = Math.Exp(-Ln2 * u2);
        // df/du = η·(−2u·L²) + (1 − η)·(−2 ln2·u·G); du/dx0 = −2/Γ; du/dΓ = −u/Γ.
        double dfdu = -2 * u * (eta * l * l + (1 - eta) * Ln2 * g);
        dX0 = dfdu * (-2 / fwhm);
        dFwhm = dfdu * (-u / fwhm);
        dEta = l - g;
        return eta * l + (1 - eta) * g;
    }

    /// <summary>Profile value.</summary>
    /// <param name="x">Position.</param>
    /// <param name="x0">Peak centre.</param>
    /// <param name="fwhm">Full width at half maximum Γ, positive.</param>
    /// <param name="eta">Lorentzian fraction η in [0, 1].</param>
    /// <returns>f(x) in [0, 1].</returns>
    public static double Evaluate(double x, double x0, double fwhm, double eta)
    {
        double u = 2 * (x - x0) / fwhm;
        double u2 = u * u;
        return eta / (1 + u2) + (1 - eta) * Math.Exp(-Ln2 * u2);
    }
}
