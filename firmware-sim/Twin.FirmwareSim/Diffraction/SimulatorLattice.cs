using Twin.Core.Materials;

namespace Twin.FirmwareSim.Diffraction;

/// <summary>
/// The simulator's truth for the cathode lattice: a(c_Li) and c(c_Li) of the simulated cell, from which the simulated
/// diffractometer places its reflections. It is deliberately not the twin's lattice model, so a test of the twin's
/// inversion (lattice → c_Li) is not circular: it starts from the same anchors — the material's knot table
/// (Jousseaume et al., Energy Environ. Sci. 2024, 17, 2753: Table 1 at c_Li = 1, the d_IL maximum at 0.40, the d_TM
/// plateau from 0.32, the steepest d_TM at 0.62; magnitudes and shapes between them as the table cites) — but
/// interpolates them piecewise linearly (the twin uses monotone cubic PCHIP), and adds a constant offset
/// (<see cref="Offset"/>) standing for the difference between the paper's samples and the one in the beam.
/// </summary>
/// <remarks>
/// Outside the knot table the end values are held. Between knots 0.05 apart the linear interpolant differs from the
/// twin's PCHIP by at most 0.0003 Å in a and 0.008 Å in c (largest in the collapse below c_Li 0.40, under 0.001 Å in
/// c above 0.45); see docs/model.md, "The simulator's truth". Thread-safe (immutable).
/// </remarks>
public sealed class SimulatorLattice
{
    private readonly double[] _x, _a, _c;

    /// <summary>Creates the truth of a material.</summary>
    /// <param name="material">The material whose knot table anchors the curves.</param>
    /// <param name="offset">Offset added to a and c; <see cref="LatticeOffset.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The material has fewer than two knots or knots not ascending in c_Li, or
    /// the offset is not finite.</exception>
    public SimulatorLattice(Material material, LatticeOffset? offset = null)
    {
        ArgumentNullException.ThrowIfNull(material);
        var knots = material.Knots;
        if (knots.Count < 2) throw new ArgumentException($"material {material.Name}: at least two lattice knots are needed, found {knots.Count}", nameof(material));
        for (int k = 1; k < knots.Count; k++)
            if (!(knots[k].CLi > knots[k - 1].CLi))
                throw new ArgumentException($"material {material.Name}: knots must ascend in c_Li, found {knots[k].CLi} after {knots[k - 1].CLi}", nameof(material));
        Offset = offset ?? LatticeOffset.Default;
        if (!double.IsFinite(Offset.AA) || !double.IsFinite(Offset.CA))
            throw new ArgumentException($"lattice offset ({Offset.AA}, {Offset.CA}) Å must be finite", nameof(offset));
        Material = material;
        _x = knots.Select(k => k.CLi).ToArray();
        _a = knots.Select(k => k.AA + Offset.AA).ToArray();
        _c = knots.Select(k => k.CA + Offset.CA).ToArray();
    }

    /// <summary>The material.</summary>
    public Material Material { get; }

    /// <summary>The offset added to the interpolated a and c.</summary>
    public LatticeOffset Offset { get; }

    /// <summary>Lattice parameter a (= d_TM) at a lithium content, Å.</summary>
    /// <param name="cLi">Lithium content (values outside the knot table take the end value).</param>
    /// <returns>a, Å.</returns>
    public double A(double cLi) => Linear(_a, cLi);

    /// <summary>Lattice parameter c (= 3 d_IL) at a lithium content, Å.</summary>
    /// <param name="cLi">Lithium content (values outside the knot table take the end value).</param>
    /// <returns>c, Å.</returns>
    public double C(double cLi) => Linear(_c, cLi);

    private double Linear(double[] y, double cLi)
    {
        if (double.IsNaN(cLi)) return double.NaN;
        if (cLi <= _x[0]) return y[0];
        if (cLi >= _x[^1]) return y[^1];
        int k = Array.BinarySearch(_x, cLi);
        if (k >= 0) return y[k];
        k = ~k - 1; // _x[k] < cLi < _x[k + 1]
        double s = (cLi - _x[k]) / (_x[k + 1] - _x[k]);
        return y[k] + s * (y[k + 1] - y[k]);
    }
}
