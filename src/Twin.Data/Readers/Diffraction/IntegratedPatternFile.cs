using Twin.Core.Diffraction;

namespace Twin.Data.Readers.Diffraction;

/// <summary>An integrated pattern as read from a file, with what the reader had to assume.</summary>
/// <param name="Pattern">The pattern (radial axis, intensities, σ when usable, wavelength when given).</param>
/// <param name="Notes">What the file did not say and the reader assumed (e.g. "no column line: 2θ in degrees assumed").</param>
public sealed record IntegratedPatternFile(PowderPattern Pattern, IReadOnlyList<string> Notes);
