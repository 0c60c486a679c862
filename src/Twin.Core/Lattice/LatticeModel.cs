using Twin.Core.Materials;
using Twin.Core.Numerics;

namespace Twin.Core.Lattice;

/// <summary>
/// Reduced lattice model of a layered oxide: a(c_Li) and c(c_Li) as PCHIP interpolants through the
/// material's sourced knot table (docs/model.md §2). Jousseaume et al., Energy Environ. Sci. 2024, 17, 2753,
/// §3.3–3.4, show that the structure is a function of c_Li alone, independent of Ni content and C-rate
/// (C/100 … 2C). Knots below c_Li = 0.40 carry assumed collapse magnitudes (docs/model.md §2).
/// </summary>
/// <remarks>Thread-safe and allocation-free after construction.</remarks>
public sealed class LatticeModel
{
    private readonly Pchip _a;
    private readonly Pchip _c;
    private readonly double _v0;

    /// <summary>Builds the model of a material.</summary>
    /// <param name="material">The material and its knots.</param>
    public LatticeModel(Material material)
    {
        Material = material;
        var x = material.Knots.Select(k => k.CLi).ToArray();
        _a = new Pchip(x, material.Knots.Select(k => k.AA).ToArray());
        _c = new Pchip(x, material.Knots.Select(k => k.CA).ToArray());
        _v0 = CellVolume(material.PristineAA, material.PristineCA);
    }

    /// <summary>The material modelled.</summary>
    public Material Material { get; }

    /// <summary>Lowest c_Li of the knot table; below it values are held constant.</summary>
    public double MinCLi => _a.MinX;

    /// <summary>Highest c_Li of the knot table; above it values are held constant.</summary>
    public double MaxCLi => _a.MaxX;

    /// <summary>a(c_Li) = d_TM, Å.</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <returns>a in Å.</returns>
    public double A(double cLi) => _a.Evaluate(cLi);

    /// <summary>c(c_Li), Å.</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <returns>c in Å.</returns>
    public double C(double cLi) => _c.Evaluate(cLi);

    /// <summary>da/dc_Li, Å per unit c_Li.</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <returns>The slope.</returns>
    public double DaDcLi(double cLi) => _a.Derivative(cLi);

    /// <summary>dc/dc_Li, Å per unit c_Li.</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <returns>The slope.</returns>
    public double DcDcLi(double cLi) => _c.Derivative(cLi);

    /// <summary>The full lattice state at a lithium content.</summary>
    /// <param name="cLi">Lithium content; values outside [<see cref="MinCLi"/>, <see cref="MaxCLi"/>] use the end knots.</param>
    /// <returns>a, c, V and changes versus pristine.</returns>
    public LatticeState Evaluate(double cLi)
    {
        double a = _a.Evaluate(cLi);
        double c = _c.Evaluate(cLi);
        double v = CellVolume(a, c);
        return new LatticeState(cLi, a, c, v,
            a / Material.PristineAA - 1, c / Material.PristineCA - 1, v / _v0 - 1,
            cLi < MinCLi || cLi > MaxCLi);
    }

    /// <summary>Bragg angle of the (003) reflection, d_003 = c/3, at a lithium content.</summary>
    /// <param name="cLi">Lithium content.</param>
    /// <param name="wavelengthA">X-ray wavelength in Å.</param>
    /// <returns>2θ(003) in degrees.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the wavelength is not positive.</exception>
    public double TwoTheta003Deg(double cLi, double wavelengthA) => XRay.TwoThetaDeg(_c.Evaluate(cLi) / 3.0, wavelengthA);

    /// <summary>Hexagonal unit-cell volume V = (√3/2)·a²·c.</summary>
    /// <param name="aA">a, Å.</param>
    /// <param name="cA">c, Å.</param>
    /// <returns>V in Å³.</returns>
    public static double CellVolume(double aA, double cA) => Math.Sqrt(3) / 2 * aA * aA * cA;
}
