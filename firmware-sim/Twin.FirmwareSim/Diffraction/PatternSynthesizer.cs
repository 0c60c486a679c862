using Twin.Core.Lattice;

namespace Twin.FirmwareSim.Diffraction;

/// <summary>Computes reflection positions, widths and integrated 1D profiles of the layered-oxide cathode.</summary>
public static class PatternSynthesizer
{
    /// <summary>
    /// The reflections at a lithium content: a(c_Li), c(c_Li) from the simulator's truth (<see cref="SimulatorLattice"/>,
    /// not the twin's lattice model), d from the hexagonal formula, 2θ from Bragg's law via <see cref="XRay.TwoThetaDeg"/>,
    /// FWHM from <see cref="PeakBroadening"/>.
    /// </summary>
    /// <param name="lattice">The simulator's lattice truth of the cathode material.</param>
    /// <param name="cLi">Lithium content.</param>
    /// <param name="settings">Wavelength and width parameters.</param>
    /// <param name="reflections">Reflections; <see cref="LayeredOxideReflection.Default"/> when null.</param>
    /// <returns>One peak per reflection, in the given order (2θ and FWHM NaN when λ &gt; 2d).</returns>
    public static IReadOnlyList<SimulatedPeak> Peaks(SimulatorLattice lattice, double cLi, DiffractometerSettings settings, IReadOnlyList<LayeredOxideReflection>? reflections = null)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(settings);
        double a = lattice.A(cLi), c = lattice.C(cLi);
        var list = new List<SimulatedPeak>();
        foreach (var r in reflections ?? LayeredOxideReflection.Default)
        {
            double d = r.DSpacingA(a, c);
            double tth = XRay.TwoThetaDeg(d, settings.WavelengthA);
            list.Add(new SimulatedPeak(r, d, tth, PeakBroadening.FwhmDeg(settings, tth, r.AlongCFraction(a, c), cLi)));
        }
        return list;
    }

    /// <summary>
    /// The integrated profile: pseudo-Voigt peaks (η·Lorentzian + (1−η)·Gaussian of equal FWHM) whose areas follow
    /// <see cref="LayeredOxideReflection.RelativeIntensity"/>, with the (003) height <see cref="DiffractometerSettings.PeakCountsPerS"/>,
    /// on a background that rises from <see cref="DiffractometerSettings.BackgroundCountsPerS"/> at the high-angle end to
    /// twice that at the low-angle end (exp(−(2θ − 2θ_min)/w), w a quarter of the range), in counts for the exposure,
    /// with optional counting noise (Poisson).
    /// </summary>
    /// <param name="settings">Range, points and count rates.</param>
    /// <param name="peaks">Peaks to draw (NaN positions are skipped).</param>
    /// <param name="exposureS">Exposure, s (scales the counts).</param>
    /// <param name="noise">Noise source, or null for none.</param>
    /// <returns>2θ (degrees, equally spaced, inclusive of both ends), intensity (counts), σ (counts, √counts, ≥ 1).</returns>
    public static (double[] TwoThetaDeg, double[] Intensity, double[] Sigma) Profile(
        DiffractometerSettings settings, IReadOnlyList<SimulatedPeak> peaks, double exposureS, Random? noise)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(peaks);
        int n = settings.Points;
        var (lo, hi) = settings.TwoThetaRangeDeg();
        double step = (hi - lo) / (n - 1);
        double eta = settings.PseudoVoigtEta;
        double backgroundWidth = (hi - lo) / 4;

        // Area of a unit-height pseudo-Voigt of FWHM w: w·(η·π/2 + (1−η)·½·√(π/ln 2)); heights scale as area / width.
        double unitArea = eta * Math.PI / 2 + (1 - eta) * 0.5 * Math.Sqrt(Math.PI / Math.Log(2));
        double area003 = double.NaN;
        foreach (var p in peaks)
            if (p.Reflection is { H: 0, K: 0, L: 3 } && !double.IsNaN(p.FwhmDeg)) area003 = p.FwhmDeg * unitArea;
        if (double.IsNaN(area003)) area003 = (settings.PeakFwhmDeg ?? settings.InstrumentFwhmDeg) * unitArea;
        var height = new double[peaks.Count];
        for (int k = 0; k < peaks.Count; k++)
            height[k] = settings.PeakCountsPerS * area003 * peaks[k].Reflection.RelativeIntensity / (peaks[k].FwhmDeg * unitArea);

        var x = new double[n];
        var y = new double[n];
        var s = new double[n];
        for (int i = 0; i < n; i++)
        {
            double tth = lo + i * step;
            double rate = settings.BackgroundCountsPerS * (1 + Math.Exp(-(tth - lo) / backgroundWidth));
            for (int k = 0; k < peaks.Count; k++)
            {
                var p = peaks[k];
                if (double.IsNaN(p.TwoThetaDeg)) continue;
                double u = 2 * (tth - p.TwoThetaDeg) / p.FwhmDeg;
                double lorentz = 1 / (1 + u * u);
                double gauss = Math.Exp(-Math.Log(2) * u * u);
                rate += height[k] * (eta * lorentz + (1 - eta) * gauss);
            }
            double counts = rate * exposureS;
            if (noise is not null) counts = CountingNoise.Sample(noise, counts);
            x[i] = tth;
            y[i] = counts;
            s[i] = Math.Sqrt(Math.Max(counts, 1));
        }
        return (x, y, s);
    }
}
