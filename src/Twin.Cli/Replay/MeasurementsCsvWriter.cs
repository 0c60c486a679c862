using System.Globalization;
using System.Text;

namespace Twin.Cli.Replay;

/// <summary>One row of measurements.csv.</summary>
/// <param name="TimeS">When the measurement applies on the sample clock, s (NaN when not known).</param>
/// <param name="Kind">"diffraction" or "rest_voltage".</param>
/// <param name="Source">File (and row) or rest it came from.</param>
/// <param name="AA">Measured a, Å (NaN when none).</param>
/// <param name="CA">Measured c, Å (NaN when none).</param>
/// <param name="VoltageV">Relaxed cell voltage of a rest, V (NaN for a pattern).</param>
/// <param name="CLiMeasured">c_Li the measurement gives (NaN when none).</param>
/// <param name="Sigma">Its σ.</param>
/// <param name="CLiPredicted">The filter's c_Li at the measurement's time before the update (NaN when not placed).</param>
/// <param name="Innovation">Measured − predicted.</param>
/// <param name="NormalizedInnovation">Innovation / its σ.</param>
/// <param name="CLiCounted">Counted c_Li at the sample after which it was applied.</param>
/// <param name="CLiEstimate">The estimate at that sample after the update.</param>
/// <param name="CLiEstimateSigma">Its σ.</param>
/// <param name="Status">What the filter did, or "no_measurement".</param>
/// <param name="Reason">Why there was no measurement or why it was not applied (empty when applied).</param>
internal readonly record struct MeasurementRow(
    double TimeS, string Kind, string Source, double AA, double CA, double VoltageV,
    double CLiMeasured, double Sigma, double CLiPredicted, double Innovation, double NormalizedInnovation,
    double CLiCounted, double CLiEstimate, double CLiEstimateSigma, string Status, string Reason);

/// <summary>
/// Writes <c>measurements.csv</c>: one row per pattern, lattice-CSV row and rest, exactly the columns of
/// <see cref="Header"/>; numbers invariant-culture and round-trip, empty where there is no number; text fields quoted
/// when they hold a comma or a quote.
/// </summary>
internal sealed class MeasurementsCsvWriter : IDisposable
{
    /// <summary>The header row.</summary>
    public const string Header = "time_s,kind,source,a_A,c_A,voltage_V,c_li_measured,sigma,c_li_predicted,innovation,normalized_innovation,c_li_counted,c_li_estimate,c_li_estimate_sigma,status,reason";

    private readonly StreamWriter _w;

    /// <summary>Creates the file and writes the header.</summary>
    /// <param name="path">Destination.</param>
    public MeasurementsCsvWriter(string path)
    {
        _w = new StreamWriter(File.Create(path), new UTF8Encoding(false)) { NewLine = "\n" };
        _w.WriteLine(Header);
    }

    /// <summary>Appends a row.</summary>
    /// <param name="r">The row.</param>
    public void Write(in MeasurementRow r)
    {
        var sb = new StringBuilder(256);
        Num(sb, r.TimeS).Append(',').Append(r.Kind).Append(',');
        Text(sb, r.Source).Append(',');
        Num(sb, r.AA).Append(',');
        Num(sb, r.CA).Append(',');
        Num(sb, r.VoltageV).Append(',');
        Num(sb, r.CLiMeasured).Append(',');
        Num(sb, r.Sigma).Append(',');
        Num(sb, r.CLiPredicted).Append(',');
        Num(sb, r.Innovation).Append(',');
        Num(sb, r.NormalizedInnovation).Append(',');
        Num(sb, r.CLiCounted).Append(',');
        Num(sb, r.CLiEstimate).Append(',');
        Num(sb, r.CLiEstimateSigma).Append(',').Append(r.Status).Append(',');
        Text(sb, r.Reason);
        _w.WriteLine(sb);
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _w.Dispose();

    private static StringBuilder Num(StringBuilder sb, double v) =>
        double.IsFinite(v) ? sb.Append(v.ToString("R", CultureInfo.InvariantCulture)) : sb;

    private static StringBuilder Text(StringBuilder sb, string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? sb.Append(s) : sb.Append('"').Append(s.Replace("\"", "\"\"").Replace('\n', ' ').Replace('\r', ' ')).Append('"');
}
