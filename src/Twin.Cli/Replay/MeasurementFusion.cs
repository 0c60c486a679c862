using System.Globalization;
using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Ocv;
using Twin.Core.RestVoltage;
using Twin.Core.Samples;

namespace Twin.Cli.Replay;

/// <summary>
/// Feeds independent measurements into the twin during a replay, each at its own time: patterns and lattice-CSV rows
/// are merged by time and offered to <see cref="CellTwin.Observe"/> right after the first sample at or after their time
/// (the filter places them on the charge counted since); rests, when the cell's counter electrode is known, go through a
/// <see cref="RelaxationDetector"/> and the <see cref="RestVoltageInversion"/> and are offered when the rest ends. Every
/// outcome — applied, gated, not placed, or no measurement and why — is written to measurements.csv and counted.
/// </summary>
internal sealed class MeasurementFusion : IDisposable
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private readonly MeasurementOptions _options;
    private readonly CellConfig _cell;
    private readonly List<MeasurementSources.TimedPattern> _patterns;
    private readonly List<PendingMeasurement> _csv;
    private readonly RelaxationDetector? _detector;
    private readonly RestVoltageInversion? _restInversion;
    private readonly MeasurementsCsvWriter? _writer;
    private readonly SortedDictionary<string, SortedDictionary<string, int>> _counts = new(StringComparer.Ordinal);
    private List<PendingMeasurement> _queue = [];
    private int _next;
    private bool _started;

    /// <summary>Reads and fits the measurement sources.</summary>
    /// <param name="options">The sources.</param>
    /// <param name="cell">The cell (material, counter electrode, Q_Li).</param>
    /// <param name="outDir">Folder for measurements.csv, or null.</param>
    /// <exception cref="Twin.Data.Readers.Diffraction.DiffractionFileException">A malformed lattice CSV.</exception>
    /// <exception cref="IOException">A source cannot be read.</exception>
    public MeasurementFusion(MeasurementOptions options, CellConfig cell, string? outDir)
    {
        _options = options;
        _cell = cell;
        var model = new Twin.Core.Lattice.LatticeModel(cell.Material);
        _patterns = options.PatternsDir is { } dir ? MeasurementSources.Patterns(dir, model) : [];
        _csv = options.LatticeCsv is { } csv ? MeasurementSources.LatticeCsv(csv, model) : [];
        if (cell.CounterElectrode != CounterElectrode.Unspecified)
        {
            _detector = new RelaxationDetector(options.RestCapacityAh ?? cell.QLiAh, options.Relaxation);
            _restInversion = RestVoltageInversion.ForCell(cell);
        }
        if (outDir is not null && Active) _writer = new MeasurementsCsvWriter(Path.Combine(outDir, "measurements.csv"));
    }

    /// <summary>True when there is anything to fuse.</summary>
    public bool Active => _patterns.Count > 0 || _csv.Count > 0 || _detector is not null;

    /// <summary>Patterns found in the folder.</summary>
    public int Patterns => _patterns.Count;

    /// <summary>Rows of the lattice CSV.</summary>
    public int LatticeRows => _csv.Count;

    /// <summary>Outcomes counted by kind, then status (e.g. diffraction → applied → 12).</summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, int>> Counts => _counts;

    /// <summary>Puts the patterns on the sample clock and orders everything by time; call before the first sample.</summary>
    /// <param name="fileStart">The start the cycler file records (null when none).</param>
    /// <param name="twin">The twin (for the rows of measurements that have no time).</param>
    /// <exception cref="ArgumentException">Patterns carry Unix times but neither --test-start nor the cycler file gives
    /// the file's start.</exception>
    public void Start(DateTimeOffset? fileStart, CellTwin twin)
    {
        if (_started) return;
        _started = true;
        var all = new List<PendingMeasurement>(_csv);
        if (_patterns.Count > 0)
        {
            var start = _options.TestStart ?? fileStart;
            if (start is null && _patterns.Any(p => p.MidUnixNs is not null))
                throw new ArgumentException("the patterns are time-stamped (start_unix_ns) but the cycler file records no start time: give --test-start (ISO 8601 with its UTC offset)");
            all.AddRange(start is { } s ? MeasurementSources.Place(_patterns, s) : _patterns.Select(p => p.Pending));
        }
        foreach (var p in all.Where(p => double.IsNaN(p.TimeS))) Record(p, twin, null);
        _queue = [.. all.Where(p => !double.IsNaN(p.TimeS)).OrderBy(p => p.TimeS)];
    }

    /// <summary>Offers what became due with this sample: a rest that ended, and every measurement at or before its time.</summary>
    /// <param name="twin">The twin, already updated with the sample.</param>
    /// <param name="sample">The sample.</param>
    public void AfterSample(CellTwin twin, in CyclerSample sample)
    {
        if (_detector is not null && _detector.Add(sample, out var rest)) Rest(twin, rest);
        while (_next < _queue.Count && _queue[_next].TimeS <= sample.TimeS) Offer(twin, _queue[_next++]);
    }

    /// <summary>Ends the stream: the rest in progress, and measurements after the last sample (recorded, not applied).</summary>
    /// <param name="twin">The twin.</param>
    public void Complete(CellTwin twin)
    {
        if (!_started) Start(null, twin);
        if (_detector is not null && _detector.Complete(out var rest)) Rest(twin, rest);
        while (_next < _queue.Count) Offer(twin, _queue[_next++]);
    }

    private void Rest(CellTwin twin, in RestObservation o)
    {
        var r = _restInversion!.Invert(o, _detector!.Options);
        string source = string.Create(Ci, $"rest {o.StartS:0}–{o.EndS:0} s");
        string? reason = r.Reason;
        if (reason is null && r.Scale != _options.CLiScale)
            reason = string.Create(Ci, $"the open-circuit-potential table gives c_Li {r.CLi:0.0000} on {ScaleName(r.Scale)}, the twin's c_Li is on {ScaleName(_options.CLiScale)} (--c-li-scale)");
        var pending = reason is null
            ? new PendingMeasurement(r.TimeS, LithiumMeasurementKind.RestVoltage, source, double.NaN, double.NaN, r.ToMeasurement(), null)
            : new PendingMeasurement(r.TimeS, LithiumMeasurementKind.RestVoltage, source, double.NaN, double.NaN, null, reason);
        Offer(twin, pending, o.VoltageV);
    }

    private void Offer(CellTwin twin, PendingMeasurement p, double voltageV = double.NaN)
    {
        if (p.Measurement is not { } m)
        {
            Record(p, twin, null, voltageV);
            return;
        }
        var u = twin.Observe(m);
        Record(p, twin, u, voltageV);
    }

    private void Record(PendingMeasurement p, CellTwin twin, LithiumUpdate? update, double voltageV = double.NaN)
    {
        string kind = p.Kind.Name();
        string status = update is { } u ? u.Status.Name() : MeasurementNames.NoMeasurement;
        if (!_counts.TryGetValue(kind, out var byStatus)) _counts[kind] = byStatus = new SortedDictionary<string, int>(StringComparer.Ordinal);
        byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
        Recorded?.Invoke(p, update, update?.PredictedCLi ?? twin.Estimator.CLi);
        if (_writer is null) return;
        var f = twin.Estimator;
        double measured = p.Measurement?.CLi ?? double.NaN, sigma = p.Measurement?.Sigma ?? double.NaN;
        string reason = p.Reason ?? (update is { } x ? NotApplied(x) : "");
        _writer.Write(new MeasurementRow(p.TimeS, kind, p.Source, p.AA, p.CA, voltageV, measured, sigma,
            update?.PredictedCLi ?? double.NaN, update?.Innovation ?? double.NaN, update?.NormalizedInnovation ?? double.NaN,
            f.CountedCLi, f.CLi, f.Sigma, status, reason));
    }

    private static string NotApplied(in LithiumUpdate u) => u.Status switch
    {
        LithiumUpdateStatus.Applied => "",
        LithiumUpdateStatus.GatedInflated => string.Create(Ci, $"innovation {u.NormalizedInnovation:0.0}σ beyond the gate: applied with its variance inflated"),
        LithiumUpdateStatus.GatedRejected => string.Create(Ci, $"innovation {u.NormalizedInnovation:0.0}σ beyond the gate: not applied"),
        LithiumUpdateStatus.TooOld => "before the oldest sample the filter remembers (or before the first sample of the file)",
        LithiumUpdateStatus.AheadOfSamples => "after the last sample of the cycler file",
        LithiumUpdateStatus.Unusable => "value, σ or time not a finite number",
        _ => "the update would have made Q_Li non-positive or the state non-finite",
    };

    private static string ScaleName(OcpScale s) => s == OcpScale.LithiumPerFormulaUnit ? "lithium_per_formula_unit" : "normalised_stoichiometry";

    /// <summary>Called with every measurement as it is recorded: the measurement, the filter's answer (null when there was
    /// no measurement to offer) and the twin's c_Li before it.</summary>
    public Action<PendingMeasurement, LithiumUpdate?, double>? Recorded { get; set; }

    /// <summary>Closes measurements.csv.</summary>
    public void Dispose() => _writer?.Dispose();
}
