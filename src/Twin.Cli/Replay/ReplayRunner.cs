using System.Diagnostics;
using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Safety;
using Twin.Data.Export;
using Twin.Data.Readers;
using Twin.Nexus.Files;
using Twin.Nexus.Model;
using Twin.Nexus.Recording;

namespace Twin.Cli.Replay;

/// <summary>
/// Runs a cycler file through a cell twin: reader → plausibility checks → twin → samples.csv / events.json as they
/// stream, and a bounded-size summary for summary.json and report.html. Memory is constant in the file size. The
/// outputs are written into a staging folder and moved into the output folder only when the run succeeds
/// (<see cref="OutputFolder"/>): a failed run leaves the previous outputs untouched.
/// </summary>
internal static class ReplayRunner
{
    /// <summary>Runs the replay.</summary>
    /// <param name="request">File, cell and output directory.</param>
    /// <param name="progress">Called now and then with the fraction of the file read (0–1); may be null.</param>
    /// <returns>Counts and per-cycle metrics.</returns>
    /// <exception cref="CyclerDataException">A malformed row (without lenient mode) or an unreadable header.</exception>
    /// <exception cref="ImplausibleDataException">Numbers that cannot be right (time running backwards, c_Li far outside
    /// [0, 1], not finite) or no sample at all.</exception>
    /// <exception cref="IOException">The file cannot be read or the outputs cannot be written.</exception>
    public static ReplayResult Run(ReplayRequest request, Action<double>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var twin = new CellTwin(request.Cell);
        using var file = new FileStream(request.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = Math.Max(1, file.Length);
        using var reader = CyclerFileReader.Open(file, request.File, request.Reader, leaveOpen: true);

        var checks = new PlausibilityChecks(request.File, request.Cell.QLiAh, reader.RowName);
        string? staging = request.OutDir is null ? null : OutputFolder.Stage(request.OutDir);
        Outputs? outputs = null;
        MeasurementFusion? fusion = null;
        bool committed = false;
        long n = 0;
        try
        {
            outputs = staging is null ? null : new Outputs(staging, request);
            fusion = new MeasurementFusion(request.Measurements ?? MeasurementOptions.None, request.Cell, staging);
            if (outputs?.Nexus is not null) fusion.Recorded = outputs.AddMeasurement;
            if (!fusion.Active)
            {
                fusion.Dispose();
                fusion = null;
            }
            foreach (var sample in reader)
            {
                long line = reader.LastLine;
                checks.CheckRow(line, sample);
                fusion?.Start(reader.Diagnostics.StartTime, twin);
                var o = twin.Update(sample);
                checks.CheckOutput(line, o, request.Cell);
                outputs?.Start(request.Measurements?.TestStart ?? reader.Diagnostics.StartTime);
                outputs?.Add(o, sample.TemperatureC);
                fusion?.AfterSample(twin, sample);
                if ((++n & 0x3FFF) == 0) progress?.Invoke((double)file.Position / length);
            }
            if (n == 0) throw new ImplausibleDataException(NoSamples(request.File, reader.Diagnostics));
            checks.Finish();
            fusion?.Complete(twin);
            progress?.Invoke(1);
            outputs?.Close();
            fusion?.Dispose();
            var inventory = LithiumInventory.Of(twin.Cycles, request.Cell.QLiAh);
            var counts = fusion?.Counts ?? new Dictionary<string, SortedDictionary<string, int>>();
            outputs?.WriteSummary(request, twin, reader.Diagnostics, n, inventory, counts, checks.Warnings);
            outputs?.WriteNexus(twin);
            if (staging is not null) OutputFolder.Commit(staging, request.OutDir!);
            committed = true;
            var f = twin.Estimator;
            return new ReplayResult(n, twin.Cycles, outputs?.Transitions ?? 0, reader.Diagnostics, clock.Elapsed, twin.CLi, twin.RecommendedCutoffV,
                f.Sigma, f.CountedCLi, inventory, counts, checks.Warnings);
        }
        finally
        {
            outputs?.Close();
            fusion?.Dispose();
            if (!committed && staging is not null) OutputFolder.Discard(staging);
        }
    }

    private static string NoSamples(string file, ReadDiagnostics d) => d.RowsSkipped > 0
        ? $"{Path.GetFileName(file)}: no sample could be read: all {d.RowsSkipped:N0} data rows were malformed; the first: {d.SkipReasons[0]}"
        : $"{Path.GetFileName(file)}: no sample could be read: the file has a header but no data rows";

    /// <summary>The files of the output directory.</summary>
    private sealed class Outputs
    {
        private readonly string _dir;
        private readonly SamplesCsvWriter _csv;
        private readonly EventsJsonWriter _events;
        private readonly DecimatingSeries _points = new();
        private readonly ZoneSpanBuilder _zones = new();

        private long _t0Ns = long.MinValue;
        private readonly string? _patternsDir;

        public Outputs(string dir, ReplayRequest request)
        {
            _dir = dir;
            _csv = new SamplesCsvWriter(File.Create(Path.Combine(dir, "samples.csv")));
            _events = new EventsJsonWriter(File.Create(Path.Combine(dir, "events.json")));
            var c = request.Cell;
            _patternsDir = request.Measurements?.PatternsDir;
            if (request.Nexus)
                Nexus = new NexusCellLog(new NexusCellInfo("replay", c.CellId, c.Material.Name, c.QLiAh, c.CLi0, c.Limits.CautionCLi, c.Limits.CriticalCLi, c.Cutoff.CLiMin));
        }

        /// <summary>The NeXus log (<c>--nexus</c>), or null.</summary>
        public NexusCellLog? Nexus { get; }

        public int Transitions => _events.Count;

        /// <summary>Fixes the Unix time of the file's start (the file's own or --test-start; the Unix epoch when neither is known).</summary>
        public void Start(DateTimeOffset? start)
        {
            if (_t0Ns == long.MinValue) _t0Ns = start is { } s ? (s.UtcTicks - DateTime.UnixEpoch.Ticks) * 100 : 0;
        }

        private long UnixNs(double timeS) => _t0Ns + (long)Math.Round(timeS * 1e9);

        public void Add(in TwinOutput o, double temperatureC)
        {
            if (Nexus is { } nx)
            {
                long t = UnixNs(o.TimeS);
                nx.Append(NexusRow.From(t, o, temperatureC));
                if (o.ZoneChanged)
                    nx.AddAlarm(NexusNote.ZoneTransition(t, o.PreviousZone, o.Zone, o.CLi, o.VoltageV, o.Step));
            }
            _csv.Write(o);
            _events.WriteIfTransition(o);
            _points.Add(new ReportPoint(o.TimeS, o.VoltageV, o.CurrentA, o.CLi, o.AA, o.CA, o.DIlA, o.CLiSigma, o.CLiCounted));
            _zones.Add(o.TimeS, o.Zone.Name());
        }

        /// <summary>A fused measurement: diffraction patterns go to the NeXus file's patterns, every kind to its events.</summary>
        public void AddMeasurement(PendingMeasurement p, LithiumUpdate? u, double cLiBefore)
        {
            if (Nexus is not { } nx) return;
            long t = double.IsNaN(p.TimeS) ? _t0Ns : UnixNs(p.TimeS);
            string status = u is { } x ? x.Status.Name() : MeasurementNames.NoMeasurement;
            nx.AddEvent(new NexusNote(t, p.Kind.Name(), $"{p.Source}: {status}{(p.Reason is { } r ? " (" + r + ")" : "")}"));
            if (p.Kind != LithiumMeasurementKind.Diffraction) return;
            string file = _patternsDir is null ? p.Source : Path.GetFullPath(Path.Combine(_patternsDir, p.Source));
            nx.SetPattern(new NexusPattern(p.Source, t, t, double.NaN, double.NaN, double.IsNaN(p.TimeS) ? double.NaN : cLiBefore,
                p.Measurement?.CLi ?? double.NaN, p.AA, p.CA, status, file));
            if (!File.Exists(file)) return;
            try
            {
                var pattern = Twin.Data.Readers.Diffraction.IntegratedPatternReader.Read(file).Pattern;
                nx.SetPatternData(p.Source, new NexusPatternData(pattern.Axis, pattern.X.ToArray(), pattern.Intensity.ToArray()));
            }
            catch (Twin.Data.Readers.Diffraction.DiffractionFileException)
            {
                // its reason is in the events and measurements.csv; the file keeps the record without data
            }
        }

        /// <summary>Writes experiment.nxs with the cycle table (with <c>--nexus</c>).</summary>
        public void WriteNexus(CellTwin twin)
        {
            if (Nexus is not { } nx) return;
            nx.SetCycles([.. twin.Cycles.Select(NexusCycle.From)]);
            NexusFileWriter.Write(Path.Combine(_dir, "experiment.nxs"), [nx.Snapshot()], "twin replay " + typeof(ReplayRunner).Assembly.GetName().Version);
        }

        public void Close()
        {
            if (_closed) return;
            _closed = true;
            _csv.Dispose();
            _events.Dispose();
        }

        private bool _closed;

        public void WriteSummary(ReplayRequest request, CellTwin twin, ReadDiagnostics diagnostics, long samples,
            IReadOnlyList<LithiumInventory> inventory, IReadOnlyDictionary<string, SortedDictionary<string, int>> measurements,
            IReadOnlyList<PlausibilityWarning> warnings)
        {
            SummaryJson.Write(Path.Combine(_dir, "summary.json"), request, twin, diagnostics, samples, inventory, measurements, warnings);
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
