using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Twin.Cli.Replay;
using Twin.Core.Ocv;
using Twin.Core.RestVoltage;
using Twin.Data.Readers.Diffraction;
using Twin.Core.Cells;
using Twin.Core.Cutoff;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Core.Strain;
using Twin.Data.Readers;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin replay FILE --material M (--q-li-ah X | --active-mass-mg M) --c-li0 C [--format F] [--out DIR]</c>:
/// runs a cycler export through the cell twin and reports lithium content, zones and per-cycle metrics.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Builds the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Cycler export: BioLogic .mpt, Maccor text, Neware CSV, Arbin CSV or Battery Data Format CSV" };
        var material = new Option<string>("--material") { Description = "Cathode material: NMC622, NMC811 or LNO", Required = true };
        var qLi = new Option<double?>("--q-li-ah") { Description = "Charge per unit c_Li in A·h (e.g. 8.732 for the LG M50 cathode)" };
        var mass = new Option<double?>("--active-mass-mg") { Description = "Active cathode mass in mg; Q_Li = m·q_theo of the material" };
        var cLi0 = new Option<double>("--c-li0") { Description = "c_Li at the first sample of the file", Required = true };
        var format = new Option<string?>("--format") { Description = $"Override format detection: {string.Join(", ", CyclerFormatNames.Accepted)}" };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Directory for samples.csv, events.json, summary.json and report.html (default: out/<file name>)" };
        var lenient = new Option<bool>("--lenient") { Description = "Skip and count malformed rows instead of stopping at the first" };
        var cell = new Option<string?>("--cell") { Description = "Cell id (default: derived from the file name)" };
        var cLiMin = new Option<double>("--c-li-min") { Description = "Lithium cut-off c_Li,min", DefaultValueFactory = _ => LithiumCutoffPolicy.Default.CLiMin };
        var vMax = new Option<double>("--v-max") { Description = "Hard voltage limit, V", DefaultValueFactory = _ => LithiumCutoffPolicy.Default.HardVoltageLimitV };
        var caution = new Option<double>("--caution") { Description = "Caution limit on c_Li", DefaultValueFactory = _ => SafetyLimits.Default.CautionCLi };
        var critical = new Option<double>("--critical") { Description = "Critical limit on c_Li", DefaultValueFactory = _ => SafetyLimits.Default.CriticalCLi };
        var deep = new Option<double>("--deep") { Description = "Deep limit on c_Li", DefaultValueFactory = _ => SafetyLimits.Default.DeepCLi };
        var hysteresis = new Option<double>("--hysteresis") { Description = "Zone hysteresis on c_Li", DefaultValueFactory = _ => SafetyLimits.Default.Hysteresis };
        var delta = new Option<double>("--delta-c-li") { Description = "Local heterogeneity Δc_Li for the eqn (1) strains", DefaultValueFactory = _ => 0.05 };
        var eps0 = new Option<double>("--eps0") { Description = "Anisotropic strain plateau ε0", DefaultValueFactory = _ => AnisotropicStrainCurve.Default.Eps0 };
        var lambda = new Option<double>("--lambda") { Description = "Anisotropic strain decay length λ", DefaultValueFactory = _ => AnisotropicStrainCurve.Default.Lambda };
        var cCrit = new Option<double>("--c-crit") { Description = "Anisotropic strain onset c_crit", DefaultValueFactory = _ => AnisotropicStrainCurve.Default.CCrit };
        var noProgress = new Option<bool>("--no-progress") { Description = "No progress bar even on a terminal" };
        var stats = new Option<bool>("--stats") { Description = "Print throughput and the process's peak memory at the end" };
        var patterns = new Option<DirectoryInfo?>("--patterns") { Description = "Folder of integrated patterns (*.xy, *.dat) to fit and fuse, each at its mid-exposure time (start_unix_ns/end_unix_ns)" };
        var lattice = new Option<FileInfo?>("--lattice") { Description = "CSV of refined lattice parameters to fuse: time_s,a_A,c_A[,a_sigma_A,c_sigma_A]" };
        var counterElectrode = new Option<string?>("--counter-electrode") { Description = $"What the voltage is measured against, for rest voltages as measurements: {CounterElectrodeNames.Expected}" };
        var testStart = new Option<string?>("--test-start") { Description = "Wall-clock time of the file's first sample (ISO 8601 with UTC offset) for the patterns' Unix times (default: the time the file records, taken as UTC)" };
        var restSlope = new Option<double>("--rest-slope-mv-h") { Description = "A rest is relaxed when |dV/dt| (+2 standard errors) stays below this, mV/h", DefaultValueFactory = _ => RelaxationOptions.Default.MaxSlopeMVPerHour };
        var restCapacity = new Option<double?>("--capacity-ah") { Description = "Capacity for the rest-current threshold C/1000, A·h (default Q_Li)" };
        var cLiScale = new Option<string>("--c-li-scale") { Description = "Scale of c_Li0 and Q_Li: lithium_per_formula_unit or normalised_stoichiometry (a rest-voltage table on another scale gives no measurement)", DefaultValueFactory = _ => "lithium_per_formula_unit" };

        var nexus = new Option<bool>("--nexus") { Description = "Also write experiment.nxs (NeXus/HDF5: electrochemistry, the twin's c_Li with σ, lattice, strain, zones, cycles, alarms, fused patterns) into the output folder; keeps the series in memory, about 100 bytes per sample" };

        var cmd = new Command("replay", "Run a cycler export through the cell twin: c_Li, lattice, strain, zones, per-cycle summary and an offline report")
        {
            file, material, qLi, mass, cLi0, format, outDir, lenient, cell, cLiMin, vMax, caution, critical, deep, hysteresis, delta, eps0, lambda, cCrit, noProgress, stats,
            patterns, lattice, counterElectrode, testStart, restSlope, restCapacity, cLiScale, nexus,
        };
        cmd.SetAction(r =>
        {
            var f = r.GetValue(file)!;
            if (!f.Exists) return CliErrors.Fail($"{f.FullName}: no such file; expected a cycler export");
            Material m;
            CellConfig config;
            ReaderOptions readerOptions;
            MeasurementOptions measurements;
            try
            {
                m = MaterialCatalog.Default.Get(r.GetValue(material)!);
                double? q = r.GetValue(qLi), mg = r.GetValue(mass);
                if (q.HasValue == mg.HasValue)
                    return CliErrors.Fail("give exactly one of --q-li-ah (A·h per unit c_Li) and --active-mass-mg (mg of active material)");
                double qAh = q ?? m.QLiFromActiveMass(mg!.Value);
                string id = r.GetValue(cell) ?? CellIdFrom(f.Name);
                config = new CellConfig(id, m, qAh, r.GetValue(cLi0),
                    new SafetyLimits(r.GetValue(caution), r.GetValue(critical), r.GetValue(deep), r.GetValue(hysteresis)),
                    new LithiumCutoffPolicy(r.GetValue(cLiMin), r.GetValue(vMax)),
                    new AnisotropicStrainCurve(r.GetValue(eps0), r.GetValue(lambda), r.GetValue(cCrit)),
                    r.GetValue(delta)) { CounterElectrode = CounterElectrodeNames.Parse(r.GetValue(counterElectrode)) };
                config.Validate();
                measurements = Measurements(r.GetValue(patterns), r.GetValue(lattice), r.GetValue(testStart), r.GetValue(restSlope), r.GetValue(restCapacity), r.GetValue(cLiScale)!);
                string? fmt = r.GetValue(format);
                readerOptions = new ReaderOptions { Format = fmt is null ? null : CyclerFormatNames.Parse(fmt), Lenient = r.GetValue(lenient) };
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                return CliErrors.Fail(e.Message);
            }
            string dir = r.GetValue(outDir)?.FullName ?? Path.Combine("out", Path.GetFileNameWithoutExtension(f.Name));
            return Run(new ReplayRequest(f.FullName, config, readerOptions, dir, measurements) { Nexus = r.GetValue(nexus) }, !r.GetValue(noProgress), r.GetValue(stats));
        });
        return cmd;
    }

    private static int Run(ReplayRequest request, bool progressBar, bool stats)
    {
        var inv = CultureInfo.InvariantCulture;
        var c = request.Cell;
        AnsiConsole.MarkupLine(string.Create(inv,
            $"[bold]twin replay[/] {Markup.Escape(Path.GetFileName(request.File))}: cell {Markup.Escape(c.CellId)}, {c.Material.Name}, Q_Li = {Charge(c.QLiAh)}, c_Li0 = {c.CLi0:0.###}"));
        ReplayResult result;
        try
        {
            bool interactive = progressBar && AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
            if (interactive)
            {
                ReplayResult? inner = null;
                AnsiConsole.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("replaying", maxValue: 1.0);
                        inner = ReplayRunner.Run(request, fraction => task.Value = fraction);
                    });
                result = inner!;
            }
            else
            {
                result = ReplayRunner.Run(request);
            }
        }
        catch (CyclerDataException e)
        {
            // Only a malformed row can be skipped; detection, header and missing-column errors cannot.
            bool row = e.Line > 0 && !request.Reader.Lenient && e.Column is not null;
            return CliErrors.Fail(e.Message + (row ? " (use --lenient to skip malformed rows)" : "") + Untouched(request.OutDir));
        }
        catch (Exception e) when (e is IOException or DiffractionFileException or ArgumentException or UnauthorizedAccessException or ImplausibleDataException)
        {
            return CliErrors.Fail(e.Message + Untouched(request.OutDir));
        }

        var d = result.Diagnostics;
        string skipped = d.RowsSkipped > 0 ? string.Create(inv, $", [yellow]{d.RowsSkipped:N0} malformed rows skipped[/]") : "";
        AnsiConsole.MarkupLine(string.Create(inv,
            $"{CyclerFormatNames.ToName(d.Format)} format{(d.FormatDetected ? " (detected)" : "")}: {result.Samples:N0} samples in {result.Elapsed.TotalSeconds:0.00} s{skipped}"));
        foreach (var reason in d.SkipReasons) AnsiConsole.MarkupLine($"  [yellow]skipped:[/] {Markup.Escape(reason)}");
        foreach (var note in d.Notes) AnsiConsole.MarkupLine($"  [yellow]note:[/] {Markup.Escape(note)}");
        foreach (var w in result.Warnings)
            AnsiConsole.MarkupLine(string.Create(inv, $"[yellow]warning ({w.Kind.Name()}, {w.Count:N0} row{(w.Count == 1 ? "" : "s")}):[/] {Markup.Escape(w.Detail)}"));

        var rows = CycleTable.Rows(result.Cycles, c, compact: true, maxCycles: 20);
        var table = new Table().Title("per-cycle summary").Border(TableBorder.Simple);
        // The start time is in summary.json and the report; the terminal table leaves it out to fit 80 columns.
        foreach (var h in rows[0].Where((_, i) => i != 1)) table.AddColumn(new TableColumn(Markup.Escape(h)).RightAligned().NoWrap().PadLeft(0).PadRight(0));
        foreach (var row in rows.Skip(1)) table.AddRow(row.Where((_, i) => i != 1).Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);

        PrintLithium(result, c);
        if ((request.Measurements?.PatternsDir ?? request.Measurements?.LatticeCsv) is { } source && !result.Measurements.ContainsKey("diffraction"))
            AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(source)} held no pattern (*.xy, *.dat) or lattice row: no diffraction measurement was fused");

        int crossing = result.Cycles.Count(x => x.Cycle > 0 && x.CrossedCritical);
        int charges = result.Cycles.Count(x => x.Cycle > 0);
        string cutoff = double.IsNaN(result.RecommendedCutoffV) ? ""
            : string.Create(inv, $"; recommended voltage cut-off {result.RecommendedCutoffV:0.000} V (c_Li,min = {c.Cutoff.CLiMin:0.00})");
        AnsiConsole.MarkupLine(string.Create(inv,
            $"{(crossing > 0 ? "[red]" : "[green]")}{crossing} of {charges} charges went below c_Li = {c.Limits.CriticalCLi:0.00}[/]; {result.Transitions} zone transitions; final c_Li = {result.FinalCLi:0.000} ± {result.FinalSigma:0.000} (counted {result.FinalCountedCLi:0.000}){cutoff}"));
        int inCv = result.Cycles.Count(x => x.Cycle > 0 && x.CutoffReachedVoltageV >= c.Cutoff.HardVoltageLimitV - 0.01);
        if (inCv > 0)
            AnsiConsole.MarkupLine(string.Create(inv,
                $"[yellow]note:[/] in {inCv} charge(s) c_Li,min = {c.Cutoff.CLiMin:0.00} was reached during the hold at the voltage limit: a lower voltage cut-off alone will not keep this cell above it — end the CV hold by lithium content."));
        if (stats)
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            AnsiConsole.WriteLine(string.Create(inv,
                $"stats: {result.Samples / result.Elapsed.TotalSeconds:0} samples/s, peak working set {self.PeakWorkingSet64 / 1048576.0:0.0} MiB, file {new FileInfo(request.File).Length / 1048576.0:0.0} MiB, allocated {GC.GetTotalAllocatedBytes() / 1048576.0:0.0} MiB, GC heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:0.0} MiB"));
        }
        if (request.OutDir is not null)
            AnsiConsole.MarkupLine($"wrote samples.csv, {(result.Measurements.Count > 0 ? "measurements.csv, " : "")}events.json, summary.json, report.html{(request.Nexus ? ", experiment.nxs" : "")} to [blue]{Markup.Escape(Path.GetFullPath(request.OutDir))}[/]");
        return 0;
    }

    private static MeasurementOptions Measurements(DirectoryInfo? patterns, FileInfo? lattice, string? testStart, double restSlope, double? restCapacity, string scale)
    {
        if (lattice is not null && !lattice.Exists) throw new ArgumentException($"{lattice.FullName}: no such file; expected a CSV time_s,a_A,c_A[,a_sigma_A,c_sigma_A]");
        if (patterns is not null && !patterns.Exists) throw new ArgumentException($"{patterns.FullName}: no such folder; expected a folder of integrated patterns (*.xy, *.dat)");
        DateTimeOffset? start = null;
        if (testStart is not null)
        {
            if (!DateTimeOffset.TryParse(testStart, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                throw new ArgumentException($"--test-start '{testStart}' is not a time: expected ISO 8601, e.g. 2026-03-01T08:00:00+01:00");
            start = t;
        }
        if (restCapacity is { } cap && !(cap > 0 && double.IsFinite(cap))) throw new ArgumentException($"--capacity-ah must be a positive number of A·h, got {cap}");
        var cLiScale = scale switch
        {
            "lithium_per_formula_unit" => OcpScale.LithiumPerFormulaUnit,
            "normalised_stoichiometry" => OcpScale.NormalisedStoichiometry,
            _ => throw new ArgumentException($"--c-li-scale '{scale}' is not known: expected lithium_per_formula_unit or normalised_stoichiometry"),
        };
        var relaxation = RelaxationOptions.Default with { MaxSlopeMVPerHour = restSlope };
        relaxation.Validate();
        return new MeasurementOptions(patterns?.FullName, lattice?.FullName, start, relaxation, restCapacity, cLiScale);
    }

    private static void PrintLithium(ReplayResult result, CellConfig c)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = LithiumTable.Rows(result.Inventory, compact: true, maxCycles: 20);
        var table = new Table().Title("lithium inventory per cycle (c_Li ± σ at end of charge, EoC, and discharge, EoD)").Border(TableBorder.Simple);
        foreach (var h in rows[0]) table.AddColumn(new TableColumn(Markup.Escape(h)).RightAligned().NoWrap().PadLeft(0).PadRight(1));
        foreach (var row in rows.Skip(1)) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
        foreach (var (kind, byStatus) in result.Measurements)
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(inv, $"{kind}: {string.Join(", ", byStatus.Select(p => $"{p.Value} {p.Key}"))}")));
    }

    /// <summary>A charge with four significant digits in A·h, or in mA·h below 0.1 A·h (a coin cell's 0.0096 A·h is 9.616 mA·h, not 0 A·h).</summary>
    internal static string Charge(double ah) => ah < 0.1
        ? (ah * 1000).ToString("G4", CultureInfo.InvariantCulture) + " mA·h"
        : ah.ToString("G4", CultureInfo.InvariantCulture) + " A·h";

    /// <summary>What a failed run says about the output folder: nothing was written, and earlier outputs are as they were.</summary>
    private static string Untouched(string? outDir) => outDir is null ? ""
        : OutputFolder.HasPrevious(outDir) ? $"; nothing written: the previous outputs in {Path.GetFullPath(outDir)} are untouched" : "; nothing written";

    private static string CellIdFrom(string fileName)
    {
        var chars = Path.GetFileNameWithoutExtension(fileName).Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' ? ch : '-').ToArray();
        var id = new string(chars).Trim('-');
        return id.Length == 0 ? "cell" : id;
    }
}
