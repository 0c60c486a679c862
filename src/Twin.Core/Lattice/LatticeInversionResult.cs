using Twin.Core.Estimation;

namespace Twin.Core.Lattice;

/// <summary>Why a measured lattice gives no c_Li.</summary>
public enum NotInvertibleReason
{
    /// <summary>Neither a nor c, or a value or σ that is not a positive finite number.</summary>
    InvalidInput,

    /// <summary>The lattice hardly changes with c_Li here (a on its plateau below c_Li ≈ 0.32, c at its maximum near 0.40 with a flat), so σ(c_Li) would be too large.</summary>
    NotInformative,

    /// <summary>Two distinct c_Li fit equally well (c alone on either side of its maximum).</summary>
    Ambiguous,

    /// <summary>a and c point to different c_Li beyond their uncertainties.</summary>
    Inconsistent,

    /// <summary>The measured value lies beyond anything the model gives, even extended past its knots.</summary>
    OutsideModel,
}

/// <summary>
/// c_Li from a measured lattice, with its standard uncertainty split into the measurement's part and the model's,
/// or the reason there is none.
/// </summary>
/// <param name="Reason">Why there is no c_Li; null when there is.</param>
/// <param name="Message">One line: the result or the reason, with numbers.</param>
/// <param name="CLi">c_Li (NaN when not invertible).</param>
/// <param name="Sigma">Total standard uncertainty √(SigmaFit² + SigmaModel²) (NaN when not invertible).</param>
/// <param name="SigmaFit">From the measurement's σ through the local slopes (NaN when not invertible).</param>
/// <param name="SigmaModel">The model's own σ in c_Li (<see cref="LatticeInversionOptions.ModelSigmaCLi"/>).</param>
/// <param name="WeightA">Share of the information that came from a (0 = c only, 1 = a only; NaN when not invertible).</param>
/// <param name="ChiSquare">χ² of the measurement against the model at <paramref name="CLi"/>.</param>
/// <param name="Extrapolated">True when <paramref name="CLi"/> lies outside the model's knots (linear extension).</param>
/// <param name="SigmaAssumed">True when a σ was not given and the assumed one was used.</param>
public sealed record LatticeInversionResult(
    NotInvertibleReason? Reason, string Message,
    double CLi, double Sigma, double SigmaFit, double SigmaModel,
    double WeightA, double ChiSquare, bool Extrapolated, bool SigmaAssumed)
{
    /// <summary>True when c_Li was obtained.</summary>
    public bool IsInvertible => Reason is null;

    /// <summary>The measurement for the state estimator.</summary>
    /// <param name="timeS">When it applies (mid-exposure), s on the sample clock.</param>
    /// <returns>A <see cref="LithiumMeasurementKind.Diffraction"/> measurement.</returns>
    /// <exception cref="InvalidOperationException">The lattice was not invertible (the message says why).</exception>
    public LithiumMeasurement ToMeasurement(double timeS) => IsInvertible
        ? new LithiumMeasurement(timeS, CLi, Sigma, LithiumMeasurementKind.Diffraction)
        : throw new InvalidOperationException($"no c_Li measurement: {Message}");

    internal static LatticeInversionResult Not(NotInvertibleReason reason, string message, double sigmaModel, double chiSquare = double.NaN, bool sigmaAssumed = false) =>
        new(reason, message, double.NaN, double.NaN, double.NaN, sigmaModel, double.NaN, chiSquare, false, sigmaAssumed);
}
