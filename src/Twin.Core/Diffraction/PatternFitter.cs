using System.Globalization;
using System.Text;
using Twin.Core.Lattice;

namespace Twin.Core.Diffraction;

/// <summary>
/// Fits the lattice parameters a and c of a layered oxide from an integrated powder pattern: each reflection is
/// searched for where the material's lattice model allows it over the model's whole c_Li range, fitted with a
/// pseudo-Voigt on a linear background (<see cref="WindowFit"/>), and the fitted d-spacings give a and c
/// (<see cref="FittedLattice.Solve"/>). No input of the pattern other than its radial axis, intensities, σ and
/// wavelength is used.
/// </summary>
/// <remarks>Thread-safe: the fitter holds only the windows computed at construction.</remarks>
public sealed class PatternFitter
{
    private const int ScanSteps = 400;
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private readonly LatticeModel _model;
    private readonly PatternFitOptions _options;
    private readonly Group[] _groups;

    /// <summary>Prepares the search windows of a material.</summary>
    /// <param name="model">The material's lattice model (its knot range sets the windows).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public PatternFitter(LatticeModel model, PatternFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _options = options ?? new PatternFitOptions();
        _options.Validate();
        _groups = BuildGroups(model, _options);
    }

    /// <summary>The settings in use.</summary>
    public PatternFitOptions Options => _options;

    /// <summary>The d-spacing window searched for a reflection: the model's range over its knots, widened by the margin.</summary>
    /// <param name="reflection">One of the configured reflections.</param>
    /// <returns>(smallest d, largest d) in Å.</returns>
    /// <exception cref="ArgumentException">The reflection is not configured.</exception>
    public (double MinDA, double MaxDA) SearchRangeA(HexagonalReflection reflection)
    {
        foreach (var g in _groups)
            for (int i = 0; i < g.Members.Length; i++)
                if (g.Members[i] == reflection) return (g.MinD[i], g.MaxD[i]);
        throw new ArgumentException($"reflection {reflection} is not among the fitted reflections", nameof(reflection));
    }

    /// <summary>Fits a pattern.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <returns>a and c with standard uncertainties, or the reason there are none.</returns>
    public PatternFitResult Fit(PowderPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var fits = new Dictionary<HexagonalReflection, ReflectionFit>();
        if (pattern.Scale is not { } scale)
        {
            const string why = "2θ data without a wavelength: give 'Wavelength: … m' (pyFAI), 'wavelength_A:' or 'energy_keV:' in the header";
            var all = _options.Reflections.Select(r => ReflectionFit.Failed(r, DiffractionFitFailure.WavelengthMissing, why, double.NaN, double.NaN)).ToList();
            return new PatternFitResult(pattern.Origin, DiffractionFitFailure.WavelengthMissing, $"{pattern.Origin}: {why}", null, all);
        }
        foreach (var g in _groups)
            foreach (var f in FitGroup(pattern, scale, g)) fits[f.Reflection] = f;
        var ordered = _options.Reflections.Select(r => fits[r]).ToList();
        return Conclude(pattern.Origin, scale, ordered);
    }

    private PatternFitResult Conclude(string origin, RadialScale scale, List<ReflectionFit> fits)
    {
        string summary = Summary(fits, scale);
        var lattice = FittedLattice.Solve(fits);
        if (lattice is not { } l)
        {
            var first = fits.FirstOrDefault(f => !f.Succeeded);
            var reason = first?.Failure ?? DiffractionFitFailure.LatticeUndetermined;
            string lead = first is null
                ? "the reflections fitted do not determine both a and c"
                : $"no lattice: {first.Reflection} {first.Message}";
            return new PatternFitResult(origin, reason, $"{origin}: {lead} [{summary}]", null, fits);
        }
        if (l.ASigmaA > _options.MaxASigmaA || l.CSigmaA > _options.MaxCSigmaA)
            return new PatternFitResult(origin, DiffractionFitFailure.UncertaintyTooLarge, string.Create(Ci,
                $"{origin}: σ(a) = {l.ASigmaA:G2} Å, σ(c) = {l.CSigmaA:G2} Å exceed {_options.MaxASigmaA} / {_options.MaxCSigmaA} Å [{summary}]"), null, fits);
        return new PatternFitResult(origin, null, string.Create(Ci,
            $"{origin}: a = {l.AA:0.######} ± {l.ASigmaA:G2} Å, c = {l.CA:0.#####} ± {l.CSigmaA:G2} Å from {l.Reflections} reflections [{summary}]"), l, fits);
    }

    private static string Summary(List<ReflectionFit> fits, RadialScale scale)
    {
        var sb = new StringBuilder();
        foreach (var f in fits)
        {
            if (sb.Length > 0) sb.Append("; ");
            sb.Append(f.Reflection).Append(' ');
            if (f.Succeeded)
                sb.Append(Ci, $"{f.Position:0.######} ± {f.PositionSigma:G2}{scale.Unit}, χ²ᵣ {f.ReducedChiSquare:0.##}");
            else
                sb.Append(f.Failure).Append(": ").Append(f.Message);
        }
        return sb.ToString();
    }

    private IEnumerable<ReflectionFit> FitGroup(PowderPattern pattern, RadialScale scale, Group g)
    {
        var x = pattern.X;
        int k = g.Members.Length;
        var lows = new double[k];
        var highs = new double[k];
        for (int i = 0; i < k; i++)
        {
            lows[i] = scale.Position(g.MaxD[i]);
            highs[i] = scale.Position(g.MinD[i]);
            if (scale.Axis == RadialAxis.TwoThetaDeg && double.IsNaN(highs[i])) highs[i] = 180;
        }
        double low = lows.Min(), high = highs.Max();
        ReflectionFit[] All(DiffractionFitFailure f, string m, int points = 0) =>
            g.Members.Select((r, i) => ReflectionFit.Failed(r, f, m, lows[i], highs[i], points)).ToArray();
        if (double.IsNaN(low))
            return All(DiffractionFitFailure.NotInMeasuredRange, string.Create(Ci,
                $"not reachable at λ = {scale.WavelengthA:0.#####} Å (λ > 2d)"));

        var (guess, failure, message) = PeakSearch.Find(x, pattern.Intensity, pattern.Sigma, low, high, _options.MinSignificance, scale.Unit);
        if (failure is { } why) return All(why, message!);

        // Starting centres: the found peak for a single reflection; for a multiplet, the lattice-model positions that
        // collect the most intensity (a scan over the model's c_Li range, not an assumed c_Li).
        var starts = k == 1 ? [guess.Center] : MultipletStarts(pattern, scale, g);
        if (starts is null)
            return All(DiffractionFitFailure.NotInMeasuredRange, string.Create(Ci,
                $"no c_Li of the model puts every member of {string.Join("/", g.Members)} inside the measured {x[0]:0.####}–{x[^1]:0.####}{scale.Unit}"));
        var heights = new double[k];
        for (int i = 0; i < k; i++)
            heights[i] = Math.Max(PeakSearch.Smoothed(pattern.Intensity, Nearest(x, starts[i])) - guess.Background, 0.1 * guess.Height);
        double half = _options.FitHalfWidthInFwhm * guess.Fwhm;
        double wLow = starts.Min() - half, wHigh = starts.Max() + half;
        for (int i = 0; i < k; i++)
            if (starts[i] - 2 * guess.Fwhm < x[0] || starts[i] + 2 * guess.Fwhm > x[^1])
                return All(DiffractionFitFailure.PeakAtWindowEdge, string.Create(Ci,
                    $"{g.Members[i]} near {starts[i]:0.####}{scale.Unit} is within two widths ({2 * guess.Fwhm:0.####}{scale.Unit}) of the end of the measured range"));
        int i0 = PeakSearch.LowerBound(x, wLow), i1 = PeakSearch.LowerBound(x, wHigh) - 1;
        int needed = 2 * k + 4 + 5;
        if (i1 - i0 + 1 < needed)
            return All(DiffractionFitFailure.TooFewPoints, string.Create(Ci,
                $"{i1 - i0 + 1} points in the fit window {wLow:0.####}–{wHigh:0.####}{scale.Unit}; {needed} needed"), Math.Max(0, i1 - i0 + 1));

        var fit = WindowFit.Fit(x, pattern.Intensity, pattern.Sigma, i0, i1, starts, heights, guess.Fwhm, guess.Background);
        if (!fit.Converged) return All(DiffractionFitFailure.NotConverged, fit.Detail, fit.Points);

        double step = (x[i1] - x[i0]) / (i1 - i0);
        if (!(fit.Fwhm > 0.5 * step) || !(fit.Fwhm < (wHigh - wLow) / 2))
            return All(DiffractionFitFailure.NoPeak, string.Create(Ci,
                $"fitted width {fit.Fwhm:0.#####}{scale.Unit} is not that of a peak in a {wHigh - wLow:0.####}{scale.Unit} window with {step:0.#####}{scale.Unit} steps"), fit.Points);
        var result = new ReflectionFit[k];
        for (int i = 0; i < k; i++)
        {
            double c = fit.Centres[i];
            if (!(fit.Heights[i] > 0))
                return All(DiffractionFitFailure.NoPeak, string.Create(Ci, $"{g.Members[i]} fitted with no height at {c:0.####}{scale.Unit}"), fit.Points);
            if (c < lows[i] - fit.Fwhm / 2 || c > highs[i] + fit.Fwhm / 2)
                return All(DiffractionFitFailure.PeakAtWindowEdge, string.Create(Ci,
                    $"{g.Members[i]} fitted at {c:0.####}{scale.Unit}, outside {lows[i]:0.####}–{highs[i]:0.####}{scale.Unit} where the lattice model allows it"), fit.Points);
            for (int j = 0; j < i; j++)
                if (Math.Abs(c - fit.Centres[j]) < fit.Fwhm / 2)
                    return All(DiffractionFitFailure.Unresolved, string.Create(Ci,
                        $"{g.Members[j]} and {g.Members[i]} merged into one peak at {c:0.####}{scale.Unit} (width {fit.Fwhm:0.#####}{scale.Unit})"), fit.Points);
            if (fit.CentreSigmas[i] > _options.MaxCentreSigmaPerFwhm * fit.Fwhm)
                return All(DiffractionFitFailure.UncertaintyTooLarge, string.Create(Ci,
                    $"{g.Members[i]} centre {c:0.####} ± {fit.CentreSigmas[i]:0.####}{scale.Unit}: σ above {_options.MaxCentreSigmaPerFwhm} of the width {fit.Fwhm:0.####}{scale.Unit}"), fit.Points);
            double d = scale.DSpacing(c), sd = Math.Abs(scale.DSpacingSlope(c)) * fit.CentreSigmas[i];
            result[i] = new ReflectionFit(g.Members[i], null, string.Create(Ci, $"d = {d:0.######} ± {sd:G2} Å"),
                lows[i], highs[i], c, fit.CentreSigmas[i], d, sd, fit.Fwhm, fit.Eta, fit.Heights[i], fit.ReducedChiSquare, fit.Points);
        }
        return result;
    }

    private double[]? MultipletStarts(PowderPattern pattern, RadialScale scale, Group g)
    {
        var x = pattern.X;
        double bestScore = double.NegativeInfinity;
        var best = new double[g.Members.Length];
        var trial = new double[g.Members.Length];
        for (int s = 0; s <= ScanSteps; s++)
        {
            double cLi = _model.MinCLi + (_model.MaxCLi - _model.MinCLi) * s / ScanSteps;
            double a = _model.A(cLi), c = _model.C(cLi), score = 0;
            for (int i = 0; i < trial.Length; i++)
            {
                trial[i] = scale.Position(g.Members[i].DSpacing(a, c));
                score += double.IsNaN(trial[i]) || trial[i] < x[0] || trial[i] > x[^1]
                    ? double.NegativeInfinity
                    : PeakSearch.Smoothed(pattern.Intensity, Nearest(x, trial[i]));
            }
            if (score > bestScore)
            {
                bestScore = score;
                Array.Copy(trial, best, trial.Length);
            }
        }
        return double.IsNegativeInfinity(bestScore) ? null : best;
    }

    private static int Nearest(ReadOnlySpan<double> x, double value)
    {
        int i = PeakSearch.LowerBound(x, value);
        if (i <= 0) return 0;
        if (i >= x.Length) return x.Length - 1;
        return value - x[i - 1] < x[i] - value ? i - 1 : i;
    }

    private static Group[] BuildGroups(LatticeModel model, PatternFitOptions options)
    {
        var ranges = new List<(HexagonalReflection R, double Min, double Max)>();
        foreach (var r in options.Reflections.Distinct())
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int s = 0; s <= ScanSteps; s++)
            {
                double cLi = model.MinCLi + (model.MaxCLi - model.MinCLi) * s / ScanSteps;
                double d = r.DSpacing(model.A(cLi), model.C(cLi));
                min = Math.Min(min, d);
                max = Math.Max(max, d);
            }
            ranges.Add((r, min * (1 - options.SearchMarginRelative), max * (1 + options.SearchMarginRelative)));
        }
        ranges.Sort((p, q) => p.Min.CompareTo(q.Min));
        var groups = new List<Group>();
        var current = new List<(HexagonalReflection R, double Min, double Max)>();
        foreach (var item in ranges)
        {
            if (current.Count > 0 && item.Min > current.Max(c => c.Max))
            {
                groups.Add(Group.Of(current));
                current = [];
            }
            current.Add(item);
        }
        if (current.Count > 0) groups.Add(Group.Of(current));
        return groups.ToArray();
    }

    private sealed record Group(HexagonalReflection[] Members, double[] MinD, double[] MaxD)
    {
        public static Group Of(List<(HexagonalReflection R, double Min, double Max)> items) =>
            new(items.Select(i => i.R).ToArray(), items.Select(i => i.Min).ToArray(), items.Select(i => i.Max).ToArray());
    }
}
