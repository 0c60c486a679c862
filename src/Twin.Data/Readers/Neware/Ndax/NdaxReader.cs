using System.IO.Compression;
using Twin.Core.Samples;
using Twin.Data.Readers.Formats;

namespace Twin.Data.Readers.Neware.Ndax;

/// <summary>
/// Reads a Neware BTS <c>.ndax</c> archive: a ZIP file (PKWARE APPNOTE) whose <c>data.ndc</c> entry holds the record
/// table (<see cref="NdcRecordStream"/>) — or, from BTS 8, the split tables <c>data.ndc</c>, <c>data_runInfo.ndc</c> and
/// <c>data_step.ndc</c> (<see cref="NdcSplitTables"/>) — beside XML files of settings. The entry is inflated as it is read, record by
/// record. Samples follow the Neware CSV reader's conventions: the record's time counts from the start of its step, so
/// the test time is the sum of the steps before plus the step time; current is signed by the step type (charge
/// positive); the counter is charge − discharge capacity of the step, a new counter segment at each step; the start
/// time is the first record's date less its step time.
/// </summary>
internal sealed class NdaxReader : IRecordSource
{
    private readonly ZipArchive _zip;
    private readonly Stream[] _entries;
    private readonly NdcRecordStream? _records;
    private readonly NdcSplitTables? _split;
    private readonly ReadDiagnostics _diagnostics;
    private SegmentTracker _segments;
    private int _segment = -1;
    private uint _lastIndex;
    private double _stepOffsetS, _lastStepTimeS;
    private long _read;

    /// <summary>Opens the archive and the record table.</summary>
    /// <param name="archive">The archive's bytes (seekable: a ZIP's directory is at its end).</param>
    /// <param name="name">The file name, for messages.</param>
    /// <param name="diagnostics">Receives notes and the start time.</param>
    /// <exception cref="CyclerDataException">Not a ZIP archive, no <c>data.ndc</c>, or a table layout this reader does not know.</exception>
    public NdaxReader(Stream archive, string name, ReadDiagnostics diagnostics)
    {
        Name = name;
        _diagnostics = diagnostics;
        if (!archive.CanSeek)
            throw new CyclerDataException(name, 0, null, "a .ndax (ZIP archive) is read from a file, not a pipe: its directory is at its end; save it to a file first");
        try
        {
            _zip = new ZipArchive(archive, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new CyclerDataException(name, 0, null, $"not a readable ZIP archive ({e.Message}); expected a Neware BTS .ndax");
        }
        try
        {
            var entries = _zip.Entries.Select(e => e.FullName).ToList();
            ZipArchiveEntry data = _zip.GetEntry("data.ndc")
                ?? throw new FormatException($"the archive holds no data.ndc (it holds {string.Join(", ", entries.Take(12))}); expected a Neware BTS .ndax");
            if (_zip.GetEntry("data_runInfo.ndc") is { } runInfo && _zip.GetEntry("data_step.ndc") is { } step)
            {
                _entries = [data.Open(), runInfo.Open(), step.Open()];
                _split = new NdcSplitTables(_entries[0], _entries[1], _entries[2]);
                diagnostics.AddNote($"Neware .ndax (BTS 8 split tables data/runInfo/step, versions {_split.Versions}); test time = sum of step times");
            }
            else
            {
                _entries = [data.Open()];
                _records = NdcRecordStream.Open(_entries[0], "data.ndc");
                diagnostics.AddNote($"Neware .ndax: data.ndc record table version {_records.Version}; test time = sum of step times");
            }
            diagnostics.Columns = ["Index", "Cycle", "Step", "Status", "Time", "Voltage", "Current(mA)", "Charge_Capacity(mAh)", "Discharge_Capacity(mAh)", "Date"];
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            _zip.Dispose();
            throw new CyclerDataException(name, 0, null, e.Message);
        }
    }

    /// <summary>The file name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public long Record => _read;

    /// <inheritdoc/>
    public string RecordName => "data.ndc record";

    /// <inheritdoc/>
    /// <exception cref="CyclerDataException">The archive is damaged (the inflated data does not check).</exception>
    public bool? TryRead(out CyclerSample sample, out RowError error)
    {
        sample = default;
        error = default;
        NdcRecord.Fields f;
        try
        {
            if (_split is not null)
            {
                if (!_split.TryNext(out f))
                {
                    if (_split.WithoutRunInfo > 0)
                        _diagnostics.AddNote($"{_split.WithoutRunInfo:N0} records of data.ndc have no run information (time, capacity) in data_runInfo.ndc and were passed over");
                    return null;
                }
                _read++;
            }
            else
            {
                if (!_records!.TryNext(out ReadOnlySpan<byte> record)) return null;
                _read++;
                if (!NdcRecord.TryDecode(record, out f, out string? why))
                {
                    error = new RowError(null, why!);
                    return false;
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new CyclerDataException(Name, 0, null, $"the archive's record tables cannot be inflated after record {_read:N0}: {e.Message}");
        }
        if (_read > 1 && f.Index <= _lastIndex)
        {
            error = new RowError(null, $"index {f.Index} does not follow {_lastIndex}");
            return false;
        }
        // A new step (cycle and step change, or a loop repeats the step number and its time starts again) restarts
        // the capacities and the step time.
        int segment = _segments.Next(SegmentTracker.Identity(f.Cycle, f.Step), restarted: _read > 1 && f.StepTimeS < _lastStepTimeS);
        if (segment != _segment)
        {
            if (_segment >= 0) _stepOffsetS += _lastStepTimeS;
            else if (f.Date is { } date) _diagnostics.StartTime = new DateTimeOffset(date.AddSeconds(-f.StepTimeS).Ticks, TimeSpan.Zero);
            _segment = segment;
        }
        _lastStepTimeS = f.StepTimeS;
        _lastIndex = f.Index;
        StepKind kind = NdcRecord.Kind(f.Status);
        double currentA = StepSign.Apply(f.CurrentMa, kind) / 1000.0;
        sample = new CyclerSample(_stepOffsetS + f.StepTimeS, f.VoltageV, currentA, (f.ChargeMah - f.DischargeMah) / 1000.0, _segment, f.Step, f.Cycle, kind);
        return true;
    }

    /// <summary>Closes the entry and the archive (not the underlying stream).</summary>
    public void Dispose()
    {
        foreach (var entry in _entries) entry.Dispose();
        _zip.Dispose();
    }
}
