using Twin.Core.Diffraction;
using Twin.Core.Estimation;

namespace Twin.Service.Estimation;

/// <summary>How far a diffraction pattern record got on its way to the c_Li estimator.</summary>
public enum PatternStatus
{
    /// <summary>The lattice gave c_Li and the estimator applied it.</summary>
    Applied,

    /// <summary>Applied with its variance inflated: the innovation lay beyond the gate.</summary>
    GatedInflated,

    /// <summary>Not applied: the innovation lay beyond the gate and the gate policy rejects.</summary>
    GatedRejected,

    /// <summary>Kept until the cell's samples reach mid-exposure (the pattern overtook its telemetry); applied then.</summary>
    AwaitingSamples,

    /// <summary>Not applied: mid-exposure lies before the oldest sample the estimator still remembers.</summary>
    TooOld,

    /// <summary>Not applied: the update would have made the estimator's state invalid.</summary>
    Diverged,

    /// <summary>Not applied: the measurement was not a finite number with a positive σ.</summary>
    Unusable,

    /// <summary>A lattice was had but the material's lattice model gives no c_Li for it (plateau, ambiguous, outside).</summary>
    NotInvertible,

    /// <summary>The record gives no a_A/c_A and its uri is not a local <c>.xy</c>/<c>.dat</c> file.</summary>
    NoLattice,

    /// <summary>The pattern file could not be read (missing, no permission, I/O error).</summary>
    Unreadable,

    /// <summary>The pattern file does not hold an integrated pattern (the reader names line and problem).</summary>
    Malformed,

    /// <summary>The peak fit gave no lattice; the <see cref="DiffractionFitFailure"/> says why.</summary>
    FitFailed,
}

/// <summary>Wire names of <see cref="PatternStatus"/> (the stored record's <c>fit_status</c>).</summary>
public static class PatternStatusNames
{
    /// <summary>The wire name: snake_case of the status, or of the fit failure for <see cref="PatternStatus.FitFailed"/>.</summary>
    /// <param name="status">The status.</param>
    /// <param name="failure">The fit's failure when the status is <see cref="PatternStatus.FitFailed"/>.</param>
    /// <returns>E.g. "applied", "awaiting_samples", "no_peak".</returns>
    public static string Name(this PatternStatus status, DiffractionFitFailure? failure = null) =>
        status == PatternStatus.FitFailed && failure is { } f ? Snake(f.ToString()) : Snake(status.ToString());

    /// <summary>The pattern status of what the estimator did with a placed measurement.</summary>
    /// <param name="status">The estimator's verdict.</param>
    /// <returns>The matching pattern status.</returns>
    public static PatternStatus Of(LithiumUpdateStatus status) => status switch
    {
        LithiumUpdateStatus.Applied => PatternStatus.Applied,
        LithiumUpdateStatus.GatedInflated => PatternStatus.GatedInflated,
        LithiumUpdateStatus.GatedRejected => PatternStatus.GatedRejected,
        LithiumUpdateStatus.AheadOfSamples => PatternStatus.AwaitingSamples,
        LithiumUpdateStatus.TooOld => PatternStatus.TooOld,
        LithiumUpdateStatus.Diverged => PatternStatus.Diverged,
        _ => PatternStatus.Unusable,
    };

    /// <summary>PascalCase to snake_case.</summary>
    /// <param name="name">An identifier.</param>
    /// <returns>Its snake_case form.</returns>
    internal static string Snake(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
