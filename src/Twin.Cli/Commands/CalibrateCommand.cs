using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Twin.Cli.Calibration;
using Twin.Core.Strain;

namespace Twin.Cli.Commands;

/// <summary><c>twin calibrate strain TABLE.csv</c>: least-squares fit of the anisotropic-strain master curve.</summary>
internal static class CalibrateCommand
{
    /// <summary>Builds the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var table = new Argument<FileInfo>("table") { Description = "CSV with columns c_li and eps (refined anisotropic strain vs lithium content)" };
        var percent = new Option<bool>("--percent") { Description = "The strain column is in percent" };
        var weighting = new Option<StrainWeighting>("--weighting")
        {
            Description = "absolute: every point the same absolute error (the largest strains dominate); relative: the same relative error, σ ∝ ε (plateau and exponential branch count alike; needs ε > 0)",
            DefaultValueFactory = _ => StrainWeighting.Absolute,
        };
        var strain = new Command("strain", "Fit ε0, λ and c_crit of ε = ε0·exp((c_crit − c_Li)/λ) below c_crit (flat above) to your own table") { table, percent, weighting };
        strain.SetAction(r => Run(r.GetValue(table)!, r.GetValue(percent), r.GetValue(weighting)));
        return new Command("calibrate", "Calibrate model parameters against your own measurements") { strain };
    }

    private static int Run(FileInfo file, bool percent, StrainWeighting weighting)
    {
        if (!file.Exists) return CliErrors.Fail($"{file.FullName}: no such file; expected a CSV strain table");
        StrainFit fit;
        try
        {
            var (c, e) = StrainTable.Read(file.FullName, percent);
            fit = StrainCalibration.Fit(c, e, weighting);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return CliErrors.Fail(ex is ArgumentException ? $"{file.Name}: {ex.Message}" : ex.Message);
        }
        var inv = CultureInfo.InvariantCulture;
        var t = new Table().AddColumns("parameter", "value", "± standard error");
        t.AddRow("ε0", fit.Curve.Eps0.ToString("G4", inv), fit.Eps0StdErr.ToString("G2", inv));
        t.AddRow("λ (c_Li)", fit.Curve.Lambda.ToString("F4", inv), fit.LambdaStdErr.ToString("G2", inv));
        t.AddRow("c_crit", fit.Curve.CCrit.ToString("F4", inv), fit.CCritStdErr.ToString("G2", inv));
        AnsiConsole.Write(t);
        string w = weighting == StrainWeighting.Relative ? "relative" : "absolute";
        AnsiConsole.WriteLine(string.Create(inv, $"{fit.Points} points, {fit.PointsBelowCrit} below c_crit, {w} weighting, RMS residual {fit.RmsResidual:G3} (relative {fit.RmsRelativeResidual:G3})"));
        AnsiConsole.WriteLine(string.Create(inv, $"use: --eps0 {fit.Curve.Eps0:G6} --lambda {fit.Curve.Lambda:G6} --c-crit {fit.Curve.CCrit:G6}"));
        return 0;
    }
}
