namespace Twin.Drivers.Triggers;

/// <summary>
/// Header keys of an integrated pattern file (<c>.xy</c>/<c>.dat</c>) that <see cref="IntegratedPatternFile"/> reads.
/// Each is a comment line <c># key: value</c>; keys are case-insensitive.
/// </summary>
/// <remarks>
/// <para>pyFAI keys (as written by pyFAI's <c>save1D</c>/<c>integrate1d(filename=…)</c>, see the pyFAI documentation and
/// <c>Geometry.make_headers</c>): <c>Wavelength: 2.0664e-11 m</c> (metres; a bare number below 1e-6 is also taken as
/// metres), <c>Distance Sample to Detector: 0.25 m</c>, a detector line <c>Detector Pilatus2M\t PixelSize= …</c>
/// (no colon; the name runs to the first tab or "PixelSize="/"Spline=") and the column line
/// <c>#  2th_deg  I  sigma</c> whose first token is the radial unit (<c>2th_deg</c> or <c>2th_rad</c> accepted;
/// q, r, d* units are rejected).</para>
/// <para>Operando keys defined by this project (written by the simulated diffractometer, and by any pipeline that
/// wants its times honoured): <see cref="PatternId"/>, <see cref="Detector"/>, <see cref="ExposureS"/>,
/// <see cref="StartUnixNs"/>, <see cref="EndUnixNs"/>, <see cref="WavelengthA"/>, <see cref="EnergyKeV"/>. A file
/// carries what the instrument knows; the lithium content at mid-exposure is the twin's, never read from a file.</para>
/// </remarks>
public static class PatternHeaderKeys
{
    /// <summary><c>pattern_id</c>: the pattern id (text).</summary>
    public const string PatternId = "pattern_id";
    /// <summary><c>detector</c>: detector name (text); overrides the pyFAI detector line.</summary>
    public const string Detector = "detector";
    /// <summary><c>exposure_s</c>: exposure, s (&gt; 0).</summary>
    public const string ExposureS = "exposure_s";
    /// <summary><c>start_unix_ns</c>: exposure start, UTC, integer ns since the Unix epoch.</summary>
    public const string StartUnixNs = "start_unix_ns";
    /// <summary><c>end_unix_ns</c>: exposure end, UTC, integer ns since the Unix epoch.</summary>
    public const string EndUnixNs = "end_unix_ns";
    /// <summary><c>wavelength_A</c>: X-ray wavelength, Å; takes precedence over pyFAI's <c>Wavelength</c> in metres.</summary>
    public const string WavelengthA = "wavelength_A";
    /// <summary><c>energy_keV</c>: photon energy, keV.</summary>
    public const string EnergyKeV = "energy_keV";
    /// <summary>pyFAI's <c>Wavelength</c>: wavelength in metres (value followed by " m").</summary>
    public const string PyFaiWavelength = "Wavelength";
    /// <summary>pyFAI's <c>Distance Sample to Detector</c>: metres.</summary>
    public const string PyFaiDistance = "Distance Sample to Detector";
}
