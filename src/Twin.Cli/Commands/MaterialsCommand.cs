using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Twin.Core.Lattice;
using Twin.Core.Materials;

namespace Twin.Cli.Commands;

/// <summary><c>twin materials [NAME]</c>: lists the materials, or shows one material's model, knots and sources.</summary>
internal static class MaterialsCommand
{
    /// <summary>Builds the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "Material to show (NMC622, NMC811, LNO); omit to list all", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("materials", "List the cathode materials, or show one material's lattice model, knots and sources") { name };
        cmd.SetAction(r =>
        {
            string? n = r.GetValue(name);
            if (n is null) return List();
            try
            {
                return Show(MaterialCatalog.Default.Get(n));
            }
            catch (ArgumentException e)
            {
                return CliErrors.Fail(e.Message);
            }
        });
        return cmd;
    }

    private static int List()
    {
        var t = new Table().AddColumns("material", "formula", "a (Å)", "c (Å)", "M (g/mol)", "q_theo (mAh/g)", "knots");
        foreach (var m in MaterialCatalog.Default.Materials)
            t.AddRow(m.Name, m.Formula, F(m.PristineAA, 4), F(m.PristineCA, 4), F(m.MolarMassGPerMol, 2), F(m.TheoreticalCapacityMahPerG, 1), m.Knots.Count.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine("Pristine lattice: Jousseaume et al., Energy Environ. Sci. 2024, 17, 2753, Table 1. [grey]twin materials NAME[/] shows the model.");
        return 0;
    }

    private static int Show(Material m)
    {
        var model = new LatticeModel(m);
        AnsiConsole.MarkupLine($"[bold]{m.Name}[/] {Markup.Escape(m.Formula)}  (aliases: {Markup.Escape(string.Join(", ", m.Aliases))})");
        AnsiConsole.MarkupLine($"pristine a = {F(m.PristineAA, 4)} Å, c = {F(m.PristineCA, 4)} Å, d_TM-O = {F(m.DTmOA, 4)} Å — {Markup.Escape(m.LatticeSource)}");
        AnsiConsole.MarkupLine($"M = {F(m.MolarMassGPerMol, 2)} g/mol — {Markup.Escape(m.MolarMassSource)}; q_theo = F/(3.6·M) = {F(m.TheoreticalCapacityMahPerG, 1)} mAh/g");

        double cMaxAt = 0, cMax = double.NegativeInfinity, steepAt = 0, steep = 0;
        for (double x = model.MinCLi; x <= model.MaxCLi; x += 0.0005)
        {
            if (model.C(x) > cMax) { cMax = model.C(x); cMaxAt = x; }
            if (Math.Abs(model.DaDcLi(x)) > steep) { steep = Math.Abs(model.DaDcLi(x)); steepAt = x; }
        }
        AnsiConsole.MarkupLine($"model: c maximum {F(cMax, 4)} Å at c_Li = {F(cMaxAt, 3)}; largest |da/dc_Li| at c_Li = {F(steepAt, 3)}; a plateau {F(model.A(0.32), 4)} Å from c_Li = 0.32 down; valid {F(model.MinCLi, 2)}–{F(model.MaxCLi, 2)}");

        var ids = new Dictionary<string, int>();
        int Id(string s) => ids.TryGetValue(s, out int i) ? i : ids[s] = ids.Count + 1;
        var t = new Table().AddColumns("c_Li", "a (Å)", "c (Å)", "d_IL (Å)", "V (Å³)", "ΔV/V0", "src a", "src c");
        foreach (var k in m.Knots)
        {
            var s = model.Evaluate(k.CLi);
            t.AddRow(F(k.CLi, 2), F(k.AA, 4), F(k.CA, 4), F(s.DIlA, 4), F(s.VolumeA3, 3), (s.RelativeVolume * 100).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) + " %",
                $"[[{Id(k.ASource)}]]", $"[[{Id(k.CSource)}]]");
        }
        AnsiConsole.Write(t);
        foreach (var (text, i) in ids.OrderBy(p => p.Value)) AnsiConsole.MarkupLine($"[grey][[{i}]][/] {Markup.Escape(text)}");
        return 0;
    }

    private static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);
}
