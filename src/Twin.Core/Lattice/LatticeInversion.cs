using System.Globalization;

namespace Twin.Core.Lattice;

/// <summary>
/// Inverts a material's lattice model: from measured a and/or c to c_Li with its standard uncertainty.
/// </summary>
/// <remarks>
/// <para>The best c_Li minimises χ²(x) = rᵀV⁻¹r with r = (a − a(x), c − c(x)) and V the measurement covariance plus the
/// model's uncertainty carried to the lattice through the local slopes, diag((a'(x)σ_m)², (c'(x)σ_m)²), over a fine grid
/// of the knot range extended linearly by <see cref="LatticeInversionOptions.ExtrapolationCLi"/> on both sides, refined
/// by golden-section search. This uses a where it rises above its plateau, c where it is monotonic on either side of its
/// maximum, and both — weighted by their information — where both are informative; a on its plateau still tells which
/// side of the c maximum the cell is on.</para>
/// <para>σ_fit = (gᵀV_meas⁻¹g)^(−1/2) with g = (a'(x̂), c'(x̂)), the measurement's σ through the local slopes;
/// σ = √(σ_fit² + σ_model²), σ_model being a common shift of both curves along c_Li.</para>
/// <para>Not invertible (typed reason, never a number): too little information (σ_fit above the limit), a second distinct
/// c_Li as good within the ambiguity threshold, a and c inconsistent, or a value beyond the extended model.</para>
/// <para>Allocation: a few hundred bytes per call (result record and message). Thread-safe.</para>
/// </remarks>
public sealed class LatticeInversion
{
    private const double GridStep = 0.0005;
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private readonly LatticeModel _model;
    private readonly LatticeInversionOptions _options;

    /// <summary>Creates the inversion of a material's model.</summary>
    /// <param name="model">The lattice model.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public LatticeInversion(LatticeModel model, LatticeInversionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _options = options ?? new LatticeInversionOptions();
        _options.Validate();
    }

    /// <summary>The settings in use.</summary>
    public LatticeInversionOptions Options => _options;

    /// <summary>a at c_Li, extended linearly with the end slopes beyond the knots, Å.</summary>
    /// <param name="cLi">c_Li.</param>
    /// <returns>a.</returns>
    public double A(double cLi) => Extended(cLi, isA: true);

    /// <summary>c at c_Li, extended linearly with the end slopes beyond the knots, Å.</summary>
    /// <param name="cLi">c_Li.</param>
    /// <returns>c.</returns>
    public double C(double cLi) => Extended(cLi, isA: false);

    /// <summary>Inverts one measured lattice.</summary>
    /// <param name="measured">a and/or c with σ (σ missing: the assumed σ of the options).</param>
    /// <returns>c_Li with σ, or the reason it cannot be had.</returns>
    public LatticeInversionResult Invert(MeasuredLattice measured)
    {
        double sm = _options.ModelSigmaCLi;
        if (Check(measured) is { } invalid) return LatticeInversionResult.Not(NotInvertibleReason.InvalidInput, invalid, sm);
        bool hasA = measured.AA.HasValue, hasC = measured.CA.HasValue;
        bool assumed = (hasA && measured.ASigmaA is null) || (hasC && measured.CSigmaA is null);
        var m = new Measurement(
            measured.AA ?? double.NaN, hasA ? measured.ASigmaA ?? _options.AssumedASigmaA : double.NaN,
            measured.CA ?? double.NaN, hasC ? measured.CSigmaA ?? _options.AssumedCSigmaA : double.NaN,
            hasA && hasC ? measured.CovarianceAC : 0);
        if (hasA && hasC && Math.Abs(m.Cov) >= m.SigmaA * m.SigmaC)
            return LatticeInversionResult.Not(NotInvertibleReason.InvalidInput, string.Create(Ci,
                $"covariance {m.Cov:G3} Å² of a and c is not below σ(a)·σ(c) = {m.SigmaA * m.SigmaC:G3} Å²"), sm);

        double lo = _model.MinCLi - _options.ExtrapolationCLi, hi = _model.MaxCLi + _options.ExtrapolationCLi;
        int n = (int)Math.Ceiling((hi - lo) / GridStep) + 1;
        double step = (hi - lo) / (n - 1);
        Span<double> chi = n <= 4096 ? stackalloc double[n] : new double[n];
        double aMin = double.PositiveInfinity, aMax = double.NegativeInfinity, cMin = double.PositiveInfinity, cMax = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double x = lo + i * step;
            chi[i] = ChiSquare(m, x);
            double av = A(x), cv = C(x);
            aMin = Math.Min(aMin, av);
            aMax = Math.Max(aMax, av);
            cMin = Math.Min(cMin, cv);
            cMax = Math.Max(cMax, cv);
        }
        string? beyond = Beyond("a", m.A, m.SigmaA, aMin, aMax, "#####") ?? Beyond("c", m.C, m.SigmaC, cMin, cMax, "####");
        if (beyond is not null)
            return LatticeInversionResult.Not(NotInvertibleReason.OutsideModel, string.Create(Ci,
                $"{beyond}, even with the model extended to c_Li {lo:0.##}–{hi:0.##}"), sm, double.NaN, assumed);

        // Local minima of the grid (basins), each refined; the 16 lowest are kept.
        Span<double> minX = stackalloc double[16];
        Span<double> minChi = stackalloc double[16];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            bool left = i == 0 || chi[i] <= chi[i - 1];
            bool right = i == n - 1 || chi[i] < chi[i + 1];
            if (!left || !right) continue;
            bool fresh = count < minX.Length;
            int slot = fresh ? count++ : Worst(minChi);
            if (fresh || chi[i] < minChi[slot])
            {
                double x = GoldenSection(m, lo + Math.Max(i - 1, 0) * step, lo + Math.Min(i + 1, n - 1) * step);
                minX[slot] = x;
                minChi[slot] = ChiSquare(m, x);
            }
        }
        int bestIndex = 0;
        for (int j = 1; j < count; j++)
            if (minChi[j] < minChi[bestIndex]) bestIndex = j;
        double best = minX[bestIndex], bestChi = minChi[bestIndex];
        double ga = Slope(best, isA: true), gc = Slope(best, isA: false);

        if (best - lo < 2 * step || hi - best < 2 * step)
            return LatticeInversionResult.Not(NotInvertibleReason.OutsideModel, string.Create(Ci,
                $"{Describe(measured)} lies beyond the model even extended to c_Li {lo:0.##}–{hi:0.##} (there a = {A(lo):0.#####}–{A(hi):0.#####} Å, c = {C(lo):0.####}–{C(hi):0.####} Å)"),
                sm, bestChi, assumed);

        double info = Information(m, ga, gc);
        double sigmaFit = info > 0 ? 1 / Math.Sqrt(info) : double.PositiveInfinity;
        if (!(sigmaFit <= _options.MaxFitSigmaCLi))
        {
            string slopes = (hasA ? string.Create(Ci, $"da/dc_Li = {ga:0.####} Å") : "")
                + (hasA && hasC ? " and " : "") + (hasC ? string.Create(Ci, $"dc/dc_Li = {gc:0.###} Å") : "");
            string size = double.IsFinite(sigmaFit) ? string.Create(Ci, $"σ(c_Li) would be {sigmaFit:0.###}") : "it tells nothing about c_Li";
            string plateau = hasA && Math.Abs(ga) < 1e-3 ? "; a is on its plateau, where it does not change with c_Li" : "";
            return LatticeInversionResult.Not(NotInvertibleReason.NotInformative, string.Create(Ci,
                $"{Describe(measured)}: where the model reaches it (c_Li ≈ {best:0.##}) {slopes}: {size} (limit {_options.MaxFitSigmaCLi}){plateau}"), sm, bestChi, assumed);
        }

        double sigma = Math.Sqrt(sigmaFit * sigmaFit + sm * sm);
        if (bestChi > _options.ConsistencyChiSquare)
        {
            var reason = hasA && hasC ? NotInvertibleReason.Inconsistent : NotInvertibleReason.OutsideModel;
            string what = hasA && hasC
                ? string.Create(Ci, $"a and c disagree about c_Li: at the best c_Li {best:0.###} the model gives a = {A(best):0.#####} Å, c = {C(best):0.####} Å; χ² = {bestChi:0.#} > {_options.ConsistencyChiSquare}")
                : string.Create(Ci, $"{Describe(measured)} is beyond what the model gives (closest: a = {A(best):0.#####} Å, c = {C(best):0.####} Å at c_Li {best:0.###}; χ² = {bestChi:0.#})");
            return LatticeInversionResult.Not(reason, what, sm, bestChi, assumed);
        }
        for (int j = 0; j < count; j++)
        {
            if (j == bestIndex || minChi[j] > bestChi + _options.AmbiguityChiSquare) continue;
            if (Math.Abs(minX[j] - best) <= 2 * sigma) continue;
            return LatticeInversionResult.Not(NotInvertibleReason.Ambiguous, string.Create(Ci,
                $"{Describe(measured)} fits c_Li {best:0.###} and {minX[j]:0.###} alike (χ² {bestChi:0.#} and {minChi[j]:0.#}){(hasA ? "" : ": c alone cannot tell the side of its maximum")}"),
                sm, bestChi, assumed);
        }

        double ia = hasA ? ga * ga / (m.SigmaA * m.SigmaA) : 0, ic = hasC ? gc * gc / (m.SigmaC * m.SigmaC) : 0;
        bool extrapolated = best < _model.MinCLi || best > _model.MaxCLi;
        return new LatticeInversionResult(null, string.Create(Ci,
            $"{Describe(measured)} → c_Li = {best:0.####} ± {sigma:0.####} (measurement {sigmaFit:0.####}, model {sm:0.###}; {100 * ia / (ia + ic):0}% from a){(extrapolated ? ", beyond the model's knots" : "")}{(assumed ? ", σ assumed" : "")}"),
            best, sigma, sigmaFit, sm, ia / (ia + ic), bestChi, extrapolated, assumed);
    }

    private readonly record struct Measurement(double A, double SigmaA, double C, double SigmaC, double Cov)
    {
        public bool HasA => !double.IsNaN(A);
        public bool HasC => !double.IsNaN(C);
    }

    private double ChiSquare(in Measurement m, double x)
    {
        double sm = _options.ModelSigmaCLi;
        if (m.HasA && m.HasC)
        {
            double ga = Slope(x, isA: true), gc = Slope(x, isA: false);
            double ra = m.A - A(x), rc = m.C - C(x);
            double vaa = m.SigmaA * m.SigmaA + ga * ga * sm * sm, vcc = m.SigmaC * m.SigmaC + gc * gc * sm * sm, vac = m.Cov;
            double det = vaa * vcc - vac * vac;
            return (ra * ra * vcc - 2 * ra * rc * vac + rc * rc * vaa) / det;
        }
        if (m.HasA)
        {
            double g = Slope(x, isA: true), r = m.A - A(x);
            return r * r / (m.SigmaA * m.SigmaA + g * g * sm * sm);
        }
        double gC = Slope(x, isA: false), rC = m.C - C(x);
        return rC * rC / (m.SigmaC * m.SigmaC + gC * gC * sm * sm);
    }

    private static double Information(in Measurement m, double ga, double gc)
    {
        if (m.HasA && m.HasC)
        {
            double vaa = m.SigmaA * m.SigmaA, vcc = m.SigmaC * m.SigmaC, vac = m.Cov, det = vaa * vcc - vac * vac;
            return (ga * ga * vcc - 2 * ga * gc * vac + gc * gc * vaa) / det;
        }
        return m.HasA ? ga * ga / (m.SigmaA * m.SigmaA) : gc * gc / (m.SigmaC * m.SigmaC);
    }

    private static int Worst(ReadOnlySpan<double> chi)
    {
        int w = 0;
        for (int j = 1; j < chi.Length; j++)
            if (chi[j] > chi[w]) w = j;
        return w;
    }

    private double GoldenSection(in Measurement m, double a, double b)
    {
        const double r = 0.6180339887498949;
        double c = b - r * (b - a), d = a + r * (b - a);
        double fc = ChiSquare(m, c), fd = ChiSquare(m, d);
        for (int i = 0; i < 40; i++)
        {
            if (fc <= fd)
            {
                b = d; d = c; fd = fc;
                c = b - r * (b - a); fc = ChiSquare(m, c);
            }
            else
            {
                a = c; c = d; fc = fd;
                d = a + r * (b - a); fd = ChiSquare(m, d);
            }
        }
        return (a + b) / 2;
    }

    private double Extended(double x, bool isA)
    {
        double end = Math.Clamp(x, _model.MinCLi, _model.MaxCLi);
        double value = isA ? _model.A(end) : _model.C(end);
        return x == end ? value : value + Slope(end, isA) * (x - end);
    }

    /// <summary>Slope of the (extended) curve: the end slope beyond the knots.</summary>
    private double Slope(double x, bool isA)
    {
        double end = Math.Clamp(x, _model.MinCLi, _model.MaxCLi);
        return isA ? _model.DaDcLi(end) : _model.DcDcLi(end);
    }

    private static string? Check(MeasuredLattice m)
    {
        if (m.AA is null && m.CA is null) return "neither a nor c given";
        if (m.AA is { } a && (!(a > 0) || !double.IsFinite(a))) return string.Create(Ci, $"a = {a} Å is not a positive number");
        if (m.CA is { } c && (!(c > 0) || !double.IsFinite(c))) return string.Create(Ci, $"c = {c} Å is not a positive number");
        if (m.ASigmaA is { } sa && (!(sa > 0) || !double.IsFinite(sa))) return string.Create(Ci, $"σ(a) = {sa} Å is not a positive number");
        if (m.CSigmaA is { } sc && (!(sc > 0) || !double.IsFinite(sc))) return string.Create(Ci, $"σ(c) = {sc} Å is not a positive number");
        if (!double.IsFinite(m.CovarianceAC)) return "the covariance of a and c is not finite";
        return null;
    }

    private static string? Beyond(string name, double value, double sigma, double min, double max, string format)
    {
        if (double.IsNaN(value)) return null;
        if (value < min - 3 * sigma)
            return string.Create(Ci, $"{name} = {value.ToString("0." + format, Ci)} Å is below the smallest {name} of the model, {min.ToString("0." + format, Ci)} Å");
        if (value > max + 3 * sigma)
            return string.Create(Ci, $"{name} = {value.ToString("0." + format, Ci)} Å is above the largest {name} of the model, {max.ToString("0." + format, Ci)} Å");
        return null;
    }

    private static string Describe(MeasuredLattice m)
    {
        string a = m.AA is { } av ? string.Create(Ci, $"a = {av:0.#####}{(m.ASigmaA is { } s ? string.Create(Ci, $" ± {s:0.#####}") : "")} Å") : "";
        string c = m.CA is { } cv ? string.Create(Ci, $"c = {cv:0.####}{(m.CSigmaA is { } t ? string.Create(Ci, $" ± {t:0.####}") : "")} Å") : "";
        return a.Length > 0 && c.Length > 0 ? $"{a}, {c}" : a + c;
    }
}
