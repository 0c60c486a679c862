using System.Diagnostics;
using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Safety;
using Twin.Data.Export;
using Twin.Data.Readers;

namespace Twin.Cli.Replay;

/// <summary>
/// Runs a cycler file through a cell twin: reader → twin → samples.csv / events.json as they stream, and
/// a bounded-size summary for summary.json and report.html. Memory is constant in the file size.
/// </summary>
internal static class ReplayRunner
{
    /// <summary>Runs the replay.</summary>
    /// <param name="request">File, cell and output directory.</param>
    /// <param name="progress">Called now and then with the fraction of the file read (0–1); may be null.</param>
    /// <returns>Counts and per-cycle metrics.</returns>
    /// <exception cref="CyclerDataException">A malformed row (without lenient mode) or an unreadable header.</exception>
    /// <exception cref="IOException">The file cannot be read or the outputs cannot be written.</exception>
    public static ReplayResult Run(ReplayRequest request, Action<double>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var twin = new CellTwin(request.Cell);
        using var file = new FileStream(request.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = Math.Max(1, file.Length);
        using var reader = CyclerFileReader.Open(file, request.File, request.Reader, leaveOpen: true);

        Outputs? outputs = request.OutDir is null ? null : new Outputs(request.OutDir);
        MeasurementFusion? fusion = null;
        long n = 0;
        try
        {
            fusion = new MeasurementFusion(request.Measurements ?? MeasurementOptions.None, request.Cell, request.OutDir);
            if (!fusion.Active)
            {
                fusion.Dispose();
                fusion = null;
            }
            foreach (var sample in reader)
            {
                if (fusion is not null)
                {
                    fusion.Start(reader.Diagnostics.StartTime, twin);
                    var fused = twin.Update(sample);
                    outputs?.Add(fused);
                    fusion.AfterSample(twin, sample);
                }
                else
                {
                    var o = twin.Update(sample);
                    outputs?.Add(o);
                }
                if ((++n & 0x3FFF) == 0) progress?.Invoke((double)file.Position / length);
            }
            fusion?.Complete(twin);
            progress?.Invoke(1);
        }
        finally
        {
            outputs?.Close();
            fusion?.Dispose();
        }
        var inventory = LithiumInventory.Of(twin.Cycles, request.Cell.QLiAh);
        var counts = fusion?.Counts ?? new Dictionary<string, SortedDictionary<string, int>>();
        outputs?.WriteSummary(request, twin, reader.Diagnostics, n, inventory, counts);
        var f = twin.Estimator;
        return new ReplayResult(n, twin.Cycles, outputs?.Transitions ?? 0, reader.Diagnostics, clock.Elapsed, twin.CLi, twin.RecommendedCutoffV,
            f.Sigma, f.CountedCLi, inventory, counts);
    }

    /// <summary>The files of the output directory.</summary>
    private sealed class Outputs
    {
        private readonly string _dir;
        private readonly SamplesCsvWriter _csv;
        private readonly EventsJsonWriter _events;
        private readonly DecimatingSeries _points = new();
        private readonly ZoneSpanBuilder _zones = new();

        public Outputs(string dir)
        {
            _dir = dir;
            Directory.CreateDirectory(dir);
            _csv = new SamplesCsvWriter(File.Create(Path.Combine(dir, "samples.csv")));
            _events = new EventsJsonWriter(File.Create(Path.Combine(dir, "events.json")));
        }

        public int Transitions => _events.Count;

        public void Add(in TwinOutput o)
        {
            _csv.Write(o);
            _events.WriteIfTransition(o);
            _points.Add(new ReportPoint(o.TimeS, o.VoltageV, o.CurrentA, o.CLi, o.AA, o.CA, o.DIlA, o.CLiSigma, o.CLiCounted));
            _zones.Add(o.TimeS, o.Zone.Name());
        }

        public void Close()
        {
            _csv.Dispose();
            _events.Dispose();
        }

        public void WriteSummary(ReplayRequest request, CellTwin twin, ReadDiagnostics diagnostics, long samples,
            IReadOnlyList<LithiumInventory> inventory, IReadOnlyDictionary<string, SortedDictionary<string, int>> measurements)
        {
            SummaryJson.Write(Path.Combine(_dir, "summary.json"), request, twin, diagnostics, samples, inventory, measurements);
            var model = twin.Lattice;
            int k = 161;
            var grid = new double[k];
            for (int i = 0; i < k; i++) grid[i] = model.MinCLi + (model.MaxCLi - model.MinCLi) * i / (k - 1);
            var curves = new ModelCurves(grid, [.. grid.Select(model.A)], [.. grid.Select(model.C)], [.. grid.Select(x => model.C(x) / 3)]);
            var limits = request.Cell.Limits;
            var data = new ReportData(
                $"{Path.GetFileName(request.File)} — cell {request.Cell.CellId}",
                request.Cell.Material.Name,
                _points.ToArray(),
                _zones.Build(),
                curves,
                limits.CriticalCLi, limits.CautionCLi, limits.DeepCLi,
                CycleTable.Rows(twin.Cycles, request.Cell, inventory: inventory));
            ReportHtmlWriter.WriteFile(Path.Combine(_dir, "report.html"), data);
        }
    }
}
