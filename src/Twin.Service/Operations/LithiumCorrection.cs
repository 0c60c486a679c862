using System.Globalization;
using System.Text.Json.Serialization;
using Twin.Core.Estimation;

namespace Twin.Service.Operations;

/// <summary>
/// An operator's correction of a cell's lithium content, as posted to <c>POST /api/cells/{id}/corrections</c>. Give
/// one or more of: <c>c_li</c> (with <c>c_li_sigma</c>): the present c_Li, applied as a measurement with that σ,
/// past the innovation gate; <c>c_li0</c> and/or <c>q_li_Ah</c>: new prior means of the filter's c_Li0 and Q_Li (the
/// estimate moves as if the run had started from them; the counted c_Li keeps the experiment file's values). Priors
/// are applied first, then c_li.
/// </summary>
/// <param name="CLi">Present c_Li, in [0, 1.2], or null.</param>
/// <param name="CLiSigma">Standard uncertainty of <paramref name="CLi"/>, &gt; 0; required with it.</param>
/// <param name="CLi0">New c_Li0, in (0, 1.2], or null.</param>
/// <param name="QLiAh">New Q_Li, A·h, &gt; 0, or null.</param>
/// <param name="Note">Why (kept in the audit log), or null.</param>
public sealed record LithiumCorrection(
    [property: JsonPropertyName("c_li")] double? CLi = null,
    [property: JsonPropertyName("c_li_sigma")] double? CLiSigma = null,
    [property: JsonPropertyName("c_li0")] double? CLi0 = null,
    [property: JsonPropertyName("q_li_Ah")] double? QLiAh = null,
    [property: JsonPropertyName("note")] string? Note = null)
{
    /// <summary>Longest note kept, characters.</summary>
    public const int MaxNoteLength = 500;

    /// <summary>Checks every value before anything is applied.</summary>
    /// <exception cref="ArgumentException">Nothing to correct, or a value out of range; the message names the field and
    /// what was expected.</exception>
    public void Validate()
    {
        if (CLi is null && CLi0 is null && QLiAh is null)
            throw new ArgumentException("a correction needs at least one of c_li (with c_li_sigma), c_li0 or q_li_Ah");
        if (CLi is double c && !(c >= 0 && c <= LithiumFilter.MaxCLi))
            throw new ArgumentException(Invariant($"c_li must lie in [0, {LithiumFilter.MaxCLi}], got {c}"));
        if (CLi is not null && !(CLiSigma is double s && s > 0 && double.IsFinite(s)))
            throw new ArgumentException(Invariant($"c_li_sigma must be a finite number > 0 with c_li, got {(CLiSigma is double g ? g.ToString(CultureInfo.InvariantCulture) : "none")}"));
        if (CLi is null && CLiSigma is not null) throw new ArgumentException("c_li_sigma is given without c_li");
        if (CLi0 is double c0 && !(c0 > 0 && c0 <= LithiumFilter.MaxCLi))
            throw new ArgumentException(Invariant($"c_li0 must lie in (0, {LithiumFilter.MaxCLi}], got {c0}"));
        if (QLiAh is double q && !(q > 0 && double.IsFinite(q)))
            throw new ArgumentException(Invariant($"q_li_Ah must be a finite number of A·h > 0, got {q}"));
        if (Note is { Length: > MaxNoteLength }) throw new ArgumentException($"note must be at most {MaxNoteLength} characters, got {Note.Length}");
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What a correction did, as answered by <c>POST /api/cells/{id}/corrections</c>.</summary>
/// <param name="Changes">Each change as written to the audit log, e.g. "c_li0: 0.8000 → 0.8500 (c_Li 0.5123 → 0.5623)".</param>
/// <param name="CLi">c_Li after the correction.</param>
/// <param name="CLiSigma">Its σ.</param>
/// <param name="CLiLowerBound">The lower bound c_Li − k·σ the zones and the cut-off act on.</param>
/// <param name="CLi0">The filter's c_Li0 after.</param>
/// <param name="QLiAh">The filter's Q_Li after, A·h.</param>
public sealed record CorrectionReply(
    [property: JsonPropertyName("changes")] IReadOnlyList<string> Changes,
    [property: JsonPropertyName("c_li")] double CLi,
    [property: JsonPropertyName("c_li_sigma")] double CLiSigma,
    [property: JsonPropertyName("c_li_low")] double CLiLowerBound,
    [property: JsonPropertyName("c_li0")] double CLi0,
    [property: JsonPropertyName("q_li_Ah")] double QLiAh);

/// <summary>How corrections and prior changes read in the audit log, the service log and <c>/health</c>.</summary>
public static class CorrectionText
{
    /// <summary>"c_li0: 0.8000 → 0.8500 (c_Li 0.5123 → 0.5623)" or "q_li_Ah: 8.7320 → 8.5000 (…)".</summary>
    /// <param name="change">The change.</param>
    /// <returns>The text.</returns>
    public static string Describe(PriorChange change) => string.Create(CultureInfo.InvariantCulture,
        $"{change.Parameter.Name()}: {change.Before:0.0000} → {change.After:0.0000} (c_Li {change.CLiBefore:0.0000} → {change.CLiAfter:0.0000})");

    /// <summary>"c_li: 0.5623 → 0.5500 (σ 0.0100; measured 0.5500 ± 0.0100, innovation −1.20σ)".</summary>
    /// <param name="update">The filter's answer to the operator's value.</param>
    /// <returns>The text.</returns>
    public static string Describe(in LithiumUpdate update) => string.Create(CultureInfo.InvariantCulture,
        $"c_li: {update.CLiBefore:0.0000} → {update.CLiAfter:0.0000} (σ {update.SigmaAfter:0.0000}; set {update.Measurement.CLi:0.0000} ± {update.Measurement.Sigma:0.0000}, innovation {update.NormalizedInnovation:0.00}σ{(update.Changed ? "" : ", " + update.Status.ToString().ToLowerInvariant() + ": not applied")})");
}
