using System.Buffers.Binary;

namespace Twin.Data.Readers.Neware.Ndax;

/// <summary>
/// BTS 8's split record tables (layout versions 11, 14 and 17, as NewareNDA documents them), merged record by record,
/// each table read forward only: <c>data.ndc</c> (file type 1) holds voltage and current per record — 8-byte slots
/// from byte 132 to 4 bytes before a page's end, two singles, a slot in use when the voltage is not zero (version 11:
/// 0.1 mV and mA; later: V and A), the record index counting the slots in use; <c>data_runInfo.ndc</c> (file type 18)
/// holds step time (int32 ms, byte 0), charge and discharge capacity (singles at 5 and 9: version 11 in mA·s, later in
/// A·h), Unix time (int32 s at 33, int16 ms at 45), step (int32 at 37) and record index (int32 at 41) — slots of 47,
/// 55 or 100 bytes from byte 132 (17: 232) up to 63, 59 or 64 bytes before a page's end, in use when the index is not
/// zero; <c>data_step.ndc</c> (file type 7) holds per step the cycle (int32 at 0, 0-based), the step type (byte 24)
/// and, in version 17, the step number (int32 at 4) — slots of 37 bytes (17: 100) from byte 132 up to 5 bytes (17: 64)
/// before a page's end, in use when the step index (int32 at 4; 17: at 33) is not zero. Steps are numbered by counting
/// changes of the step field (versions 11 and 14: both tables; 17: the step table) or by the step table's row.
/// A record of <c>data.ndc</c> with no run information is passed over and counted (BTS 8 sometimes leaves some out;
/// its time and capacity are not invented here).
/// </summary>
internal sealed class NdcSplitTables
{
    private readonly Table _data, _run, _step;
    private readonly Cursor<RunRow> _runs;
    private readonly Cursor<StepRow> _steps;
    private uint _dataIndex;
    private int _runStepRaw = int.MinValue, _runStep;
    private int _stepRaw = int.MinValue, _stepNumber;

    /// <summary>Opens the three tables.</summary>
    /// <param name="data">data.ndc.</param>
    /// <param name="runInfo">data_runInfo.ndc.</param>
    /// <param name="step">data_step.ndc.</param>
    /// <exception cref="FormatException">A table of another type or an unknown layout version; the message names it.</exception>
    public NdcSplitTables(Stream data, Stream runInfo, Stream step)
    {
        _data = Table.Open(data, "data.ndc", 1, v => (132, 4, 8));
        _run = Table.Open(runInfo, "data_runInfo.ndc", 18, v => v switch { 11 => (132, 63, 47), 14 => (132, 59, 55), _ => (232, 64, 100) });
        _step = Table.Open(step, "data_step.ndc", 7, v => v == 17 ? (132, 64, 100) : (132, 5, 37));
        _runs = new Cursor<RunRow>(NextRun, r => r.Index);
        _steps = new Cursor<StepRow>(NextStep, s => s.Step);
    }

    /// <summary>Layout versions of data, run information and step tables, for a note.</summary>
    public string Versions => $"{_data.Version}/{_run.Version}/{_step.Version}";

    /// <summary>Records of data.ndc passed over because the run information has none for them.</summary>
    public long WithoutRunInfo { get; private set; }

    /// <summary>The next merged record.</summary>
    /// <param name="fields">The record.</param>
    /// <returns>False at the end of data.ndc.</returns>
    public bool TryNext(out NdcRecord.Fields fields)
    {
        while (_data.Pages.TryNext(out var slot))
        {
            float v = BinaryPrimitives.ReadSingleLittleEndian(slot), i = BinaryPrimitives.ReadSingleLittleEndian(slot[4..]);
            if (v == 0) continue;
            uint index = ++_dataIndex;
            double volts = _data.Version == 11 ? v * 1e-4 : v, milliamps = _data.Version == 11 ? i : i * 1000.0;
            RunRow? run = _runs.Find(index);
            if (run is not { } r)
            {
                WithoutRunInfo++;
                continue;
            }
            StepRow s = _steps.Find(r.Step) ?? new StepRow(r.Step, 0, 0);
            fields = new NdcRecord.Fields(index, s.Cycle + 1, r.Step, s.Status, r.StepTimeS, volts, milliamps, r.ChargeMah, r.DischargeMah, r.Date);
            return true;
        }
        fields = default;
        return false;
    }

    private bool NextRun(out RunRow row)
    {
        while (_run.Pages.TryNext(out var s))
        {
            int index = BinaryPrimitives.ReadInt32LittleEndian(s[41..]);
            if (index == 0) continue;
            int stepRaw = BinaryPrimitives.ReadInt32LittleEndian(s[37..]);
            int step = stepRaw;
            if (_run.Version != 17)
            {
                if (stepRaw != _runStepRaw) _runStep++;
                _runStepRaw = stepRaw;
                step = _runStep;
            }
            double c = BinaryPrimitives.ReadSingleLittleEndian(s[5..]), d = BinaryPrimitives.ReadSingleLittleEndian(s[9..]);
            double scale = _run.Version == 11 ? 1.0 / 3600 : 1000;
            DateTime date = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt32LittleEndian(s[33..]))
                .AddMilliseconds(BinaryPrimitives.ReadInt16LittleEndian(s[45..])).UtcDateTime;
            row = new RunRow((uint)index, step, BinaryPrimitives.ReadInt32LittleEndian(s) / 1000.0, c * scale, d * scale, date);
            return true;
        }
        row = default;
        return false;
    }

    private bool NextStep(out StepRow row)
    {
        while (_step.Pages.TryNext(out var s))
        {
            bool v17 = _step.Version == 17;
            if (BinaryPrimitives.ReadInt32LittleEndian(s[(v17 ? 33 : 4)..]) == 0) continue;
            if (v17)
            {
                int raw = BinaryPrimitives.ReadInt32LittleEndian(s[4..]);
                if (raw != _stepRaw) _stepNumber++;
                _stepRaw = raw;
            }
            else
            {
                _stepNumber++;
            }
            row = new StepRow(_stepNumber, BinaryPrimitives.ReadInt32LittleEndian(s), s[24]);
            return true;
        }
        row = default;
        return false;
    }

    private delegate bool NextRow<T>(out T row);

    /// <summary>Walks a table whose rows come in increasing key order, finding the row of a key that only grows.</summary>
    private sealed class Cursor<T>(NextRow<T> next, Func<T, long> key)
        where T : struct
    {
        private T? _pending;
        private bool _done;

        /// <summary>The row with this key, or null when the table has none (the next larger row stays pending).</summary>
        public T? Find(long wanted)
        {
            while (true)
            {
                if (_pending is { } p)
                {
                    long k = key(p);
                    if (k == wanted) return p;
                    if (k > wanted) return null;
                }
                if (_done || !next(out T row))
                {
                    _done = true;
                    return _pending = null;
                }
                _pending = row;
            }
        }
    }

    private readonly record struct RunRow(uint Index, int Step, double StepTimeS, double ChargeMah, double DischargeMah, DateTime Date);

    private readonly record struct StepRow(int Step, int Cycle, byte Status);

    private sealed record Table(NdcPagedTable Pages, int Version)
    {
        public static Table Open(Stream source, string entry, int fileType, Func<int, (int First, int Tail, int Slot)> layout)
        {
            Span<byte> head = stackalloc byte[3];
            if (source.ReadAtLeast(head, 3, throwOnEndOfStream: false) < 3) throw new FormatException($"{entry} is empty");
            if (head[0] != fileType) throw new FormatException($"{entry} is a table of file type {head[0]}; expected {fileType}");
            int version = head[2];
            if (version is not (11 or 14 or 17))
                throw new FormatException($"{entry} is a version {version} table; in BTS 8's split layout this reader knows versions 11, 14 and 17: export the test from BTSDA as CSV and replay that");
            var (first, tail, slot) = layout(version);
            return new Table(new NdcPagedTable(source, first, tail, slot, entry), version);
        }
    }
}
