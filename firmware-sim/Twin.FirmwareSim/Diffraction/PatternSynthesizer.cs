using Twin.Core.Lattice;

namespace Twin.FirmwareSim.Diffraction;

/// <summary>Computes reflection positions and integrated 1D profiles of the layered-oxide cathode.</summary>
public static class PatternSynthesizer
{
    /// <summary>
    /// Positions of the reflections at a lithium content: a(c_Li), c(c_Li) from the reduced lattice model
    /// (docs/model.md §2), d from the hexagonal formula, 2θ from Bragg's law via <see cref="XRay.TwoThetaDeg"/>.
    /// </summary>
    /// <param name="lattice">Lattice model of the cathode material.</param>
    /// <param name="cLi">Lithium content.</param>
    /// <param name="wavelengthA">Wavelength, Å.</param>
    /// <param name="reflections">Reflections; <see cref="LayeredOxideReflection.Default"/> when null.</param>
    /// <returns>One peak per reflection, in the given order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The wavelength is not positive.</exception>
    public static IReadOnlyList<SimulatedPeak> Peaks(LatticeModel lattice, double cLi, double wavelengthA, IReadOnlyList<LayeredOxideReflection>? reflections = null)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        double a = lattice.A(cLi), c = lattice.C(cLi);
        var list = new List<SimulatedPeak>();
        foreach (var r in reflections ?? LayeredOxideReflection.Default)
        {
            double d = r.DSpacingA(a, c);
            list.Add(new SimulatedPeak(r, d, XRay.TwoThetaDeg(d, wavelengthA)));
        }
        return list;
    }

    /// <summary>
    /// The integrated profile: pseudo-Voigt peaks (η·Lorentzian + (1−η)·Gaussian of equal FWHM, unit height scaled by
    /// the relative intensity) on a flat background, in counts for the exposure, with optional Gaussian counting noise
    /// σ = √counts.
    /// </summary>
    /// <param name="settings">Range, points, width and count rates.</param>
    /// <param name="peaks">Peaks to draw (NaN positions are skipped).</param>
    /// <param name="exposureS">Exposure, s (scales the counts).</param>
    /// <param name="noise">Noise source, or null for none.</param>
    /// <returns>2θ (degrees, equally spaced, inclusive of both ends), intensity (counts), σ (counts, ≥ 1).</returns>
    public static (double[] TwoThetaDeg, double[] Intensity, double[] Sigma) Profile(
        DiffractometerSettings settings, IReadOnlyList<SimulatedPeak> peaks, double exposureS, Random? noise)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int n = settings.Points;
        double lo = settings.TwoThetaMinDeg, step = (settings.TwoThetaMaxDeg - lo) / (n - 1);
        double fwhm = settings.PeakFwhmDeg ?? 4 * step;
        double eta = settings.PseudoVoigtEta;
        var x = new double[n];
        var y = new double[n];
        var s = new double[n];
        for (int i = 0; i < n; i++)
        {
            double tth = lo + i * step;
            double rate = settings.BackgroundCountsPerS;
            foreach (var p in peaks)
            {
                if (double.IsNaN(p.TwoThetaDeg)) continue;
                double u = 2 * (tth - p.TwoThetaDeg) / fwhm;
                double lorentz = 1 / (1 + u * u);
                double gauss = Math.Exp(-Math.Log(2) * u * u);
                rate += settings.PeakCountsPerS * p.Reflection.RelativeIntensity * (eta * lorentz + (1 - eta) * gauss);
            }
            double counts = rate * exposureS;
            if (noise is not null) counts = Math.Max(0, counts + Math.Sqrt(counts) * StandardNormal(noise));
            x[i] = tth;
            y[i] = counts;
            s[i] = Math.Sqrt(Math.Max(counts, 1));
        }
        return (x, y, s);
    }

    private static double StandardNormal(Random r)
    {
        double u1 = 1.0 - r.NextDouble(), u2 = r.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2); // Box–Muller
    }
}
