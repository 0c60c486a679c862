using Twin.Core.Samples;
using Twin.Data.Readers.Formats;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.Neware;

/// <summary>
/// Neware BTS CSV export of the record table (<c>DataPoint, Cycle Index, Step Index, Step Type, Time,
/// Total Time, Current(A), Voltage(V), Capacity(Ah), Chg. Cap.(Ah), DChg. Cap.(Ah), ..., T1(℃)</c>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Units come from the header: <c>Current(A)</c> or <c>Current(mA)</c>, <c>Capacity(Ah)</c> or <c>(mAh)</c>.</item>
/// <item>Time: <c>Total Time</c> (hh:mm:ss[.fff], hours may exceed 24, or "d-hh:mm:ss"); without it the
/// <c>Date</c>/<c>Realtime</c> timestamps; without those the step time <c>Time</c>, accumulated across steps.</item>
/// <item>Direction: <c>Step Type</c> (CC Chg, CCCV Chg, CV Chg, CC DChg, Rest, ...) decides the sign of the current,
/// whether the export signs it (most do, negative on discharge) or not.</item>
/// <item>Counter: <c>Chg. Cap.</c> − <c>DChg. Cap.</c> when both exist, else <c>Capacity</c> signed by the step type.
/// Both restart with every step, so a new counter segment starts when cycle, step or step type changes,
/// or a capacity falls.</item>
/// </list>
/// </remarks>
internal sealed class NewareParser(string source, ReadDiagnostics diagnostics) : DelimitedParser(source, diagnostics)
{
    private Column _time, _current, _voltage, _stepType, _step, _cycle, _chargeCap, _dischargeCap, _capacity, _date, _temperature;
    private NewareTimeSource _timeSource;
    private SegmentTracker _segments;
    private double _lastChargeCap = double.NaN, _lastDischargeCap = double.NaN, _lastCapacity = double.NaN;
    private long _lastIdentity;
    private double _stepOffset;
    private double _lastTotal;
    private bool _started;
    private long _originTicks = -1;

    /// <inheritdoc />
    public override void ReadHeader(ByteLineReader lines)
    {
        ReadFirstHeaderRow(lines, HeaderStyle.Parenthesized, "a Neware header row ('DataPoint,Cycle Index,Step Index,Step Type,Total Time,Current(A),Voltage(V),...')");
        _current = Columns.Require(UnitKind.Current, "Current(A)", "Current", "Cur");
        _voltage = Columns.Require(UnitKind.Voltage, "Voltage(V)", "Voltage");
        _stepType = Columns.Find(UnitKind.None, "Step Type", "Status", "Step Name");
        _step = Columns.Find(UnitKind.None, "Step Index", "Step ID", "Step Number", "Step");
        _cycle = Columns.Find(UnitKind.None, "Cycle Index", "Cycle ID", "Cycle Number", "Cycle");
        _chargeCap = Columns.Find(UnitKind.Charge, "Chg. Cap.", "Chg Cap", "Chg. Capacity", "Charge Capacity", "Capacitance_Chg");
        _dischargeCap = Columns.Find(UnitKind.Charge, "DChg. Cap.", "DChg Cap", "DChg. Capacity", "Discharge Capacity", "Capacitance_DChg");
        if (!(_chargeCap.Found && _dischargeCap.Found))
        {
            _chargeCap = _dischargeCap = Column.Absent;
        }

        _capacity = Columns.Find(UnitKind.Charge, "Capacity", "Cap");
        _date = Columns.Find(UnitKind.None, "Date", "Realtime", "Real Time", "System Time", "Absolute Time");
        _temperature = Columns.Find(UnitKind.Temperature, "T1", "Temperature", "Aux.Temp", "Aux Temperature", "Temp");
        ChooseTime();
        if (!_stepType.Found)
        {
            Diagnostics.AddNote("no 'Step Type' column: the current's sign is taken as written (negative = discharge)");
        }

        UseColumns(_time, _current, _voltage, _stepType, _step, _cycle, _chargeCap, _dischargeCap, _capacity, _date, _temperature);
    }

    /// <inheritdoc />
    public override bool TryParseRow(ReadOnlySpan<byte> line, long lineNumber, out CyclerSample sample, out RowError error)
    {
        sample = default;
        Span<FieldSlice> buffer = stackalloc FieldSlice[Width];
        ReadOnlySpan<FieldSlice> fields = Split(line, buffer);
        if (!TryGetTime(line, fields, out double time, out error)
            || !TryGetDouble(line, fields, _current, out double current, out error)
            || !TryGetDouble(line, fields, _voltage, out double voltage, out error)
            || !TryGetOptionalInt(line, fields, _step, out int step, out error)
            || !TryGetUnneededInt(line, fields, _cycle, lineNumber, out int cycle)
            || !TryGetOptionalDouble(line, fields, _chargeCap, out double chargeCap, out error)
            || !TryGetOptionalDouble(line, fields, _dischargeCap, out double dischargeCap, out error)
            || !TryGetOptionalDouble(line, fields, _capacity, out double capacity, out error)
            || !TryGetOptionalDouble(line, fields, _temperature, out double temperature, out error))
        {
            return false;
        }

        StepKind kind = _stepType.Found ? StepKindText.Classify(TextOf(line, fields, _stepType)) : StepKind.Unknown;
        double signedCurrent = StepSign.Apply(current, kind);

        // The row is good: update the running state.
        long identity = SegmentTracker.Identity(cycle, step) ^ ((long)kind << 56);
        double counter;
        bool restarted;
        if (_chargeCap.Found)
        {
            counter = chargeCap - dischargeCap;
            restarted = chargeCap < _lastChargeCap || dischargeCap < _lastDischargeCap;
            _lastChargeCap = chargeCap;
            _lastDischargeCap = dischargeCap;
        }
        else if (_capacity.Found)
        {
            counter = kind switch
            {
                StepKind.Charge => Math.Abs(capacity),
                StepKind.Discharge => 0.0 - Math.Abs(capacity),
                _ => signedCurrent < 0 ? 0.0 - Math.Abs(capacity) : capacity,
            };
            restarted = Math.Abs(capacity) < Math.Abs(_lastCapacity);
            _lastCapacity = capacity;
        }
        else
        {
            counter = double.NaN;
            restarted = false;
        }

        int segment = _segments.Next(identity, restarted);
        if (_timeSource == NewareTimeSource.StepRelative)
        {
            if (_started && identity != _lastIdentity)
            {
                _stepOffset = _lastTotal;
            }

            time += _stepOffset;
            _lastTotal = time;
        }

        _lastIdentity = identity;
        if (!_started)
        {
            _started = true;
            if (_date.Found)
            {
                Diagnostics.StartTime = DateText.TryParse(TextOf(line, fields, _date));
            }
        }

        sample = new CyclerSample(SinceStart(time), voltage, signedCurrent, counter, segment, step, cycle, kind, temperature);
        return true;
    }

    private bool TryGetTime(ReadOnlySpan<byte> line, ReadOnlySpan<FieldSlice> fields, out double seconds, out RowError error)
    {
        if (_timeSource != NewareTimeSource.Absolute)
        {
            return TryGetDuration(line, fields, _time, out seconds, out error);
        }

        error = default;
        if (_time.Index >= fields.Length)
        {
            seconds = 0;
            error = RowError.MissingField(_time, fields.Length);
            return false;
        }

        ReadOnlySpan<byte> field = fields[_time.Index].Of(line);
        if (!DateText.TryParseIsoTicks(field, out long ticks))
        {
            seconds = 0;
            error = RowError.NotATimestamp(_time, field);
            return false;
        }

        // Seconds relative to the first timestamp seen, so that double precision is not spent on the
        // two thousand years before it.
        if (_originTicks < 0)
        {
            _originTicks = ticks;
        }

        seconds = (ticks - _originTicks) / (double)TimeSpan.TicksPerSecond;
        return true;
    }

    private void ChooseTime()
    {
        _time = Columns.Find(UnitKind.Time, "Total Time", "TotalTime", "Test Time");
        if (_time.Found)
        {
            _timeSource = NewareTimeSource.Total;
            return;
        }

        if (_date.Found)
        {
            _time = _date;
            _timeSource = NewareTimeSource.Absolute;
            Diagnostics.AddNote($"no 'Total Time' column: time from the '{_date.Name}' timestamps");
            return;
        }

        _time = Columns.Find(UnitKind.Time, "Time", "Step Time", "Relative Time");
        if (!_time.Found)
        {
            throw Columns.MissingColumn("Total Time");
        }

        _timeSource = NewareTimeSource.StepRelative;
        Diagnostics.AddNote($"no 'Total Time' column: time from the step time '{_time.Name}', accumulated across steps");
    }
}
