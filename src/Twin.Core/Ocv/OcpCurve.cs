using Twin.Core.Numerics;

namespace Twin.Core.Ocv;

/// <summary>
/// An electrode's open-circuit potential as a function of its lithium content: the measured points of a table,
/// smoothed by local quadratic least squares (<see cref="LocalQuadratic"/>) at knots every
/// <see cref="KnotStep"/> and joined by PCHIP, with the scatter of the points about the smoothing as the table's
/// own standard uncertainty (<see cref="SigmaV"/>).
/// </summary>
/// <remarks>
/// A cathode curve is strictly decreasing in lithium content (checked when built), so <see cref="TryInvert"/> has
/// one answer; PCHIP keeps a monotone knot sequence monotone (Fritsch &amp; Butland 1984). The curve is defined on
/// the range of the measured points only: it is never extrapolated. Evaluation and inversion allocate nothing;
/// immutable and thread-safe.
/// </remarks>
public sealed class OcpCurve
{
    private readonly Pchip _potential;
    private readonly Pchip _sigma;
    private GraphitePlateau? _plateau;

    private OcpCurve(string name, OcpElectrode electrode, string material, OcpScale scale, string scaleNote,
        IReadOnlyList<OcpPoint> points, double bandwidth, double knotStep, string smoothingSource, Pchip potential, Pchip sigma)
    {
        Name = name;
        Electrode = electrode;
        Material = material;
        Scale = scale;
        ScaleNote = scaleNote;
        Points = points;
        Bandwidth = bandwidth;
        KnotStep = knotStep;
        SmoothingSource = smoothingSource;
        _potential = potential;
        _sigma = sigma;
    }

    /// <summary>Name of the table.</summary>
    public string Name { get; }

    /// <summary>Which electrode it describes.</summary>
    public OcpElectrode Electrode { get; }

    /// <summary>Material, e.g. "NMC811" or "graphite".</summary>
    public string Material { get; }

    /// <summary>Scale of the lithium content.</summary>
    public OcpScale Scale { get; }

    /// <summary>What the lithium content means and how (or whether) it maps to lithium per formula unit.</summary>
    public string ScaleNote { get; }

    /// <summary>The measured points, ascending in lithium content, each with its source.</summary>
    public IReadOnlyList<OcpPoint> Points { get; }

    /// <summary>Half-width of the local fits, in lithium content.</summary>
    public double Bandwidth { get; }

    /// <summary>Spacing of the smoothed knots, in lithium content.</summary>
    public double KnotStep { get; }

    /// <summary>Citation of the smoothing choice.</summary>
    public string SmoothingSource { get; }

    /// <summary>The graphite stage-1 plateau, for an anode table that declares one.</summary>
    public GraphitePlateau? Plateau => _plateau;

    /// <summary>Lowest lithium content measured.</summary>
    public double MinX => _potential.MinX;

    /// <summary>Highest lithium content measured.</summary>
    public double MaxX => _potential.MaxX;

    /// <summary>Smoothed knot abscissae.</summary>
    public ReadOnlySpan<double> KnotX => _potential.KnotX;

    /// <summary>Smoothed potential at the knots, V.</summary>
    public ReadOnlySpan<double> KnotPotentialV => _potential.KnotY;

    /// <summary>Smoothed potential vs Li/Li⁺ at lithium content <paramref name="x"/>, V; NaN outside
    /// [<see cref="MinX"/>, <see cref="MaxX"/>].</summary>
    /// <param name="x">Lithium content on the table's scale.</param>
    /// <returns>The potential, V.</returns>
    public double PotentialV(double x) => InRange(x) ? _potential.Evaluate(x) : double.NaN;

    /// <summary>dU/dx of the smoothed curve, V per unit lithium content; NaN outside the measured range.</summary>
    /// <param name="x">Lithium content.</param>
    /// <returns>The slope (negative for a cathode).</returns>
    public double SlopeVPerX(double x) => InRange(x) ? _potential.Derivative(x) : double.NaN;

    /// <summary>The table's own standard uncertainty at <paramref name="x"/>: weighted RMS scatter of the measured
    /// points about the local fit, V; NaN outside the measured range.</summary>
    /// <param name="x">Lithium content.</param>
    /// <returns>σ of the potential, V.</returns>
    public double SigmaV(double x) => InRange(x) ? _sigma.Evaluate(x) : double.NaN;

    /// <summary>Lithium content at which a cathode curve has potential <paramref name="potentialV"/>.</summary>
    /// <param name="potentialV">Potential vs Li/Li⁺, V.</param>
    /// <param name="x">The lithium content, or NaN when the potential lies outside the curve's range.</param>
    /// <returns>True when the potential lies within [U(<see cref="MaxX"/>), U(<see cref="MinX"/>)].</returns>
    /// <exception cref="InvalidOperationException">The curve is an anode curve (not built to be invertible).</exception>
    public bool TryInvert(double potentialV, out double x)
    {
        if (Electrode != OcpElectrode.Cathode) throw new InvalidOperationException($"'{Name}' is an anode table; only cathode tables are inverted");
        x = double.NaN;
        double hi = _potential.Evaluate(MinX), lo = _potential.Evaluate(MaxX);
        if (!(potentialV <= hi && potentialV >= lo)) return false;
        double a = MinX, b = MaxX;
        for (int i = 0; i < 100 && b - a > 1e-13; i++)
        {
            double m = 0.5 * (a + b);
            if (_potential.Evaluate(m) > potentialV) a = m; else b = m;
        }
        x = 0.5 * (a + b);
        return true;
    }

    /// <summary>Builds a curve from measured points.</summary>
    /// <param name="name">Table name, for messages.</param>
    /// <param name="electrode">Which electrode.</param>
    /// <param name="material">Material name.</param>
    /// <param name="scale">Scale of the lithium content.</param>
    /// <param name="scaleNote">What the scale means.</param>
    /// <param name="points">Measured points, strictly ascending in lithium content, finite.</param>
    /// <param name="bandwidth">Half-width of the local fits (&gt; 0); each needs at least four points within it.</param>
    /// <param name="knotStep">Knot spacing (&gt; 0, at most the bandwidth).</param>
    /// <param name="smoothingSource">Citation of the smoothing choice.</param>
    /// <param name="plateau">For a graphite anode: the stage-1 plateau's range and its source, or null.</param>
    /// <returns>The curve.</returns>
    /// <exception cref="ArgumentException">Points not strictly ascending or not finite, a bad bandwidth or step, a
    /// window with too few points, a cathode whose smoothed potential does not fall strictly with lithium content,
    /// or a plateau outside the measured range or given for a cathode.</exception>
    public static OcpCurve FromPoints(string name, OcpElectrode electrode, string material, OcpScale scale, string scaleNote,
        IReadOnlyList<OcpPoint> points, double bandwidth, double knotStep, string smoothingSource,
        (double XMin, double XMax, string Source)? plateau = null)
    {
        if (points.Count < 4) throw new ArgumentException($"table '{name}' has {points.Count} point(s); at least 4 are needed");
        var x = new double[points.Count];
        var u = new double[points.Count];
        for (int i = 0; i < points.Count; i++)
        {
            var p = points[i];
            if (!double.IsFinite(p.X) || !double.IsFinite(p.PotentialV))
                throw new ArgumentException($"table '{name}' point {i + 1}: lithium content and potential must be finite numbers, got ({p.X}, {p.PotentialV})");
            if (i > 0 && !(p.X > x[i - 1]))
                throw new ArgumentException($"table '{name}' point {i + 1}: lithium content {p.X} does not follow {x[i - 1]} (points must be strictly ascending)");
            x[i] = p.X;
            u[i] = p.PotentialV;
        }
        if (!(bandwidth > 0) || !double.IsFinite(bandwidth)) throw new ArgumentException($"table '{name}': bandwidth must be a positive number, got {bandwidth}");
        if (!(knotStep > 0 && knotStep <= bandwidth)) throw new ArgumentException($"table '{name}': knot_step must be positive and at most the bandwidth {bandwidth}, got {knotStep}");

        var knots = Knots(x[0], x[^1], knotStep);
        var ku = new double[knots.Length];
        var ks = new double[knots.Length];
        for (int k = 0; k < knots.Length; k++)
        {
            LocalQuadratic.Fit fit;
            try
            {
                fit = LocalQuadratic.At(x, u, knots[k], bandwidth);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"table '{name}': cannot smooth at lithium content {knots[k]:0.#####}: {e.Message}", e);
            }
            ku[k] = fit.Value;
            ks[k] = fit.ResidualRms;
            if (electrode == OcpElectrode.Cathode && k > 0 && !(ku[k] < ku[k - 1]))
                throw new ArgumentException(
                    $"table '{name}': the smoothed potential does not fall between lithium content {knots[k - 1]:0.#####} ({ku[k - 1]:0.#####} V) " +
                    $"and {knots[k]:0.#####} ({ku[k]:0.#####} V); a cathode table must fall strictly with lithium content to be inverted");
        }
        var curve = new OcpCurve(name, electrode, material, scale, scaleNote, points, bandwidth, knotStep, smoothingSource,
            new Pchip(knots, ku), new Pchip(knots, ks));
        if (plateau is not { } pl) return curve;
        if (electrode != OcpElectrode.Anode) throw new ArgumentException($"table '{name}': only an anode table has a plateau");
        if (!(pl.XMin >= x[0] && pl.XMax <= x[^1] && pl.XMin < pl.XMax))
            throw new ArgumentException($"table '{name}': plateau {pl.XMin} … {pl.XMax} must be an interval within the measured range {x[0]} … {x[^1]}");
        curve._plateau = curve.PlateauOver(pl.XMin, pl.XMax, pl.Source);
        return curve;
    }

    private GraphitePlateau PlateauOver(double xMin, double xMax, string source)
    {
        double lo = Math.Min(PotentialV(xMin), PotentialV(xMax));
        double hi = Math.Max(PotentialV(xMin), PotentialV(xMax));
        double scatter = Math.Max(SigmaV(xMin), SigmaV(xMax));
        var kx = KnotX;
        for (int i = 0; i < kx.Length; i++)
        {
            if (kx[i] <= xMin || kx[i] >= xMax) continue;
            lo = Math.Min(lo, KnotPotentialV[i]);
            hi = Math.Max(hi, KnotPotentialV[i]);
            scatter = Math.Max(scatter, _sigma.KnotY[i]);
        }
        double half = 0.5 * (hi - lo);
        return new GraphitePlateau(xMin, xMax, 0.5 * (hi + lo), half, Math.Sqrt(half * half / 3 + scatter * scatter), source);
    }

    private static double[] Knots(double first, double last, double step)
    {
        var list = new List<double> { first };
        for (long k = (long)Math.Floor(first / step) + 1; k * step < last - 1e-9 * step; k++)
        {
            double v = Math.Round(k * step, 10);
            if (v > first + 1e-9 * step) list.Add(v);
        }
        list.Add(last);
        return [.. list];
    }

    private bool InRange(double x) => x >= _potential.MinX && x <= _potential.MaxX;
}
