using System.Globalization;

namespace Twin.Cli.Demo;

/// <summary>
/// The demo's table of the ends of charge, <c>cycles.csv</c>: per charge the c_Li that charge counting alone gives, the
/// twin's estimate with its standard deviation σ, and the simulated cell's true cathode c_Li, so the estimator can be
/// judged against a truth it does not share.
/// </summary>
internal static class DemoCycles
{
    /// <summary>The header of <c>cycles.csv</c>.</summary>
    public const string Header = "cycle,c_li_counted,c_li_estimate,c_li_sigma,c_li_cell,ended_by";

    /// <summary>Writes the table (numbers invariant, empty where unknown; <c>ended_by</c> quoted).</summary>
    /// <param name="path">The file; replaced.</param>
    /// <param name="charges">One row per charge, in cycle order.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IReadOnlyList<DemoCharge> charges)
    {
        string tmp = path + ".tmp";
        using (var w = new StreamWriter(tmp))
        {
            w.WriteLine(Header);
            foreach (var c in charges)
                w.WriteLine(string.Join(',', c.Cycle.ToString(CultureInfo.InvariantCulture), F(c.CountedCLi), F(c.TwinCLi), F(c.Sigma), F(c.CellCLi),
                    "\"" + c.EndedBy.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Prints the same table for a terminal.</summary>
    /// <param name="output">Where.</param>
    /// <param name="charges">One row per charge.</param>
    public static void Print(TextWriter output, IReadOnlyList<DemoCharge> charges)
    {
        output.WriteLine("cycle  c_Li counted  c_Li estimate  ± σ       c_Li cell  V at end  charge ended by");
        foreach (var c in charges)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Cycle,5}  {c.CountedCLi,12:0.0000}  {c.TwinCLi,13:0.0000}  {c.Sigma,-8:0.0000}  {c.CellCLi,9:0.0000}  {c.VoltageV,8:0.000}  {c.EndedBy}"));
    }

    private static string F(double x) => double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";
}
