namespace Twin.Core.Diffraction;

/// <summary>Why a reflection, or a whole pattern, gave no lattice parameter.</summary>
public enum DiffractionFitFailure
{
    /// <summary>2θ data without a wavelength: positions cannot be turned into d-spacings.</summary>
    WavelengthMissing,

    /// <summary>Every position the lattice model allows for the reflection lies outside the measured range.</summary>
    NotInMeasuredRange,

    /// <summary>Too few points in the search or fit window to fit a peak.</summary>
    TooFewPoints,

    /// <summary>No peak stands out of the noise where the lattice model puts the reflection.</summary>
    NoPeak,

    /// <summary>The highest intensity (or the fitted centre) sits at the edge of the search window or of the data:
    /// the peak lies where the lattice model does not allow it (wrong material, wavelength or calibration).</summary>
    PeakAtWindowEdge,

    /// <summary>The least-squares fit did not converge, or its covariance is singular.</summary>
    NotConverged,

    /// <summary>Two reflections of one window merged into one peak.</summary>
    Unresolved,

    /// <summary>The fit converged but its standard uncertainty is too large to be a measurement.</summary>
    UncertaintyTooLarge,

    /// <summary>The reflections that were fitted do not determine both a and c.</summary>
    LatticeUndetermined,
}
