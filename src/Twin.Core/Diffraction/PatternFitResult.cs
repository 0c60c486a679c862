using Twin.Core.Lattice;

namespace Twin.Core.Diffraction;

/// <summary>
/// What one pattern gave: a and c with standard uncertainties and fit quality, or a typed reason and a message —
/// never a number without the fit behind it.
/// </summary>
/// <param name="Origin">The pattern's source (file name).</param>
/// <param name="Failure">Why there is no lattice; null when there is.</param>
/// <param name="Message">One line: the lattice found, or the reason (with every reflection's outcome).</param>
/// <param name="Lattice">a, c and their covariance; null when <paramref name="Failure"/> is set.</param>
/// <param name="Reflections">Each reflection's outcome, in the order of the options.</param>
public sealed record PatternFitResult(
    string Origin,
    DiffractionFitFailure? Failure,
    string Message,
    FittedLattice? Lattice,
    IReadOnlyList<ReflectionFit> Reflections)
{
    /// <summary>True when a and c were measured.</summary>
    public bool Succeeded => Lattice is not null;

    /// <summary>Largest reduced χ² of the peak fits that succeeded (NaN when none): the fit quality.</summary>
    public double WorstReducedChiSquare
    {
        get
        {
            double worst = double.NaN;
            foreach (var r in Reflections)
                if (r.Succeeded && !(r.ReducedChiSquare <= worst)) worst = r.ReducedChiSquare;
            return worst;
        }
    }

    /// <summary>The measured lattice for <see cref="LatticeInversion"/>; null when the fit failed.</summary>
    public MeasuredLattice? Measured => Lattice is { } l
        ? new MeasuredLattice(l.AA, l.ASigmaA, l.CA, l.CSigmaA, l.CovarianceAC)
        : null;
}
