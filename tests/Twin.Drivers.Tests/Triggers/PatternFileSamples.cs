using System.Globalization;
using System.Text;

namespace Twin.Drivers.Tests.Triggers;

/// <summary>Pattern file texts for the tests, in the shape pyFAI's save1D writes (header facts from the pyFAI docs).</summary>
internal static class PatternFileSamples
{
    public static string PyFaiHeader(double wavelengthM = 2.0664e-11, string unitLine = "#       2th_deg             I         sigma") =>
        "# == pyFAI calibration ==\n" +
        "# Distance Sample to Detector: 0.25 m\n" +
        "# PONI: 1.000e-01, 1.000e-01 m\n" +
        "# Rotations: 0.000000 0.000000 0.000000 rad\n" +
        "# \n" +
        "# == Fit2d calibration ==\n" +
        "# Distance Sample-beamCenter: 250.000 mm\n" +
        "# Center: x=1000.000, y=1000.000 pix\n" +
        "# Tilt: 0.000 deg  TiltPlanRot: 0.000 deg\n" +
        "# \n" +
        "# Detector Pilatus CdTe 2M\t PixelSize= 1.720e-04, 1.720e-04 m\n" +
        "#    Detector has a mask: False \n" +
        "# \n" +
        string.Create(CultureInfo.InvariantCulture, $"# Wavelength: {wavelengthM:R} m\n") +
        "# Mask applied: False\n" +
        "# \n" +
        unitLine + "\n";

    public static string Rows(int n, bool sigma = true, double from = 1.5, double step = 0.01)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            double x = from + i * step;
            double y = 100 + 1000 * Math.Exp(-Math.Pow((x - (from + n * step / 2)) / 0.03, 2));
            sb.Append(CultureInfo.InvariantCulture, $"  {x:E6}  {y:E6}");
            if (sigma) sb.Append(CultureInfo.InvariantCulture, $"  {Math.Sqrt(y):E6}");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public static string Operando(string id = "P0007", long start = 1_700_000_000_000_000_000, double exposure = 10) =>
        $"# pattern_id: {id}\n# detector: sim-detector\n# exposure_s: {exposure.ToString(CultureInfo.InvariantCulture)}\n" +
        $"# start_unix_ns: {start}\n# end_unix_ns: {start + (long)(exposure * 1e9)}\n# c_li_mid: 0.62\n";
}
