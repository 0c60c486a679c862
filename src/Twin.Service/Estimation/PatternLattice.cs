using Twin.Core.Diffraction;
using Twin.Core.Lattice;
using Twin.Data.Readers.Diffraction;
using Twin.Messaging.Contracts;

namespace Twin.Service.Estimation;

/// <summary>
/// The lattice a pattern record stands for: the record's own a_A/c_A (the beamline's refinement) when it gives them,
/// else the lattice fitted here from the integrated pattern at its uri when that is a readable local <c>.xy</c> or
/// <c>.dat</c> file; otherwise the reason there is none.
/// </summary>
/// <param name="Lattice">a and/or c with σ; null when there is none.</param>
/// <param name="Source">"record" or "fit"; null when there is no lattice.</param>
/// <param name="Status">Why there is no lattice (<see cref="PatternStatus.NoLattice"/>, <see cref="PatternStatus.Unreadable"/>,
/// <see cref="PatternStatus.Malformed"/>, <see cref="PatternStatus.FitFailed"/>); null when there is one.</param>
/// <param name="Failure">The fit's failure for <see cref="PatternStatus.FitFailed"/>.</param>
/// <param name="Message">One line: the fit's result, or why there is no lattice.</param>
public sealed record PatternLattice(MeasuredLattice? Lattice, string? Source, PatternStatus? Status, DiffractionFitFailure? Failure, string Message)
{
    /// <summary>Pattern files the fitter reads.</summary>
    public static readonly string[] Extensions = [".xy", ".dat"];

    /// <summary>Resolves a record's lattice; reads and fits the file when needed (I/O and up to tens of ms of CPU:
    /// call outside the cell's lock).</summary>
    /// <param name="p">The validated record.</param>
    /// <param name="fitter">The cell material's pattern fitter.</param>
    /// <returns>The lattice or the reason.</returns>
    public static PatternLattice Resolve(PatternRecord p, PatternFitter fitter)
    {
        if (p.AA is not null || p.CA is not null)
            return new(new MeasuredLattice(p.AA, p.ASigmaA, p.CA, p.CSigmaA), "record", null, null, "lattice given in the record");
        string? path = LocalPath(p.Uri);
        if (path is null || !Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            return None(PatternStatus.NoLattice, $"no a_A/c_A in the record and uri '{p.Uri}' is not a local .xy or .dat file (file:// URI or absolute path)");
        IntegratedPatternFile file;
        try
        {
            file = IntegratedPatternReader.Read(path);
        }
        catch (DiffractionFileException e)
        {
            return None(PatternStatus.Malformed, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return None(PatternStatus.Unreadable, $"{path}: {e.Message}");
        }
        var fit = fitter.Fit(file.Pattern);
        if (fit.Measured is not { } measured)
            return new(null, null, PatternStatus.FitFailed, fit.Failure ?? DiffractionFitFailure.LatticeUndetermined, fit.Message);
        return new(measured, "fit", null, null, fit.Message);
    }

    /// <summary>A local path for a <c>file://</c> URI or an absolute path; null for anything else.</summary>
    /// <param name="uri">The record's uri.</param>
    /// <returns>The path, or null.</returns>
    public static string? LocalPath(string uri)
    {
        if (string.IsNullOrWhiteSpace(uri)) return null;
        if (uri.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            return Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.IsFile && (u.Host.Length == 0 || u.Host == "localhost") ? u.LocalPath : null;
        return Path.IsPathFullyQualified(uri) ? uri : null;
    }

    private static PatternLattice None(PatternStatus status, string message) => new(null, null, status, null, message);
}
