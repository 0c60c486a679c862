using Twin.Core.Samples;
using Twin.Data.Readers.Formats;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.Arbin;

/// <summary>
/// Arbin MITS CSV export (<c>Data_Point, Test_Time(s), Date_Time, Step_Time(s), Step_Index, Cycle_Index,
/// Current(A), Voltage(V), Charge_Capacity(Ah), Discharge_Capacity(Ah), ...</c>; newer exports write the
/// same names with spaces, e.g. <c>Test Time (s)</c>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Current: signed by Arbin as positive = charge; used as is.</item>
/// <item>Counter: <c>Charge_Capacity</c> − <c>Discharge_Capacity</c>. Both are cumulative within a cycle and
/// restart at a new <c>Cycle_Index</c>, so the counter segment follows the cycle, and a new segment also
/// starts whenever either capacity falls (a reset the cycle number did not announce).</item>
/// <item>Kind: Arbin does not write a step type, so samples are <see cref="StepKind.Unknown"/> (the twin
/// then goes by the current's sign).</item>
/// <item>Start time: the first row's <c>Date_Time</c>; temperature: <c>Aux_Temperature_1(C)</c> or <c>Temperature (C)</c>.</item>
/// </list>
/// </remarks>
internal sealed class ArbinParser(string source, ReadDiagnostics diagnostics) : DelimitedParser(source, diagnostics)
{
    private Column _time, _current, _voltage, _step, _cycle, _chargeCap, _dischargeCap, _date, _temperature;
    private SegmentTracker _segments;
    private double _lastCharge = double.NaN, _lastDischarge = double.NaN;
    private bool _started;

    /// <inheritdoc />
    public override void ReadHeader(ByteLineReader lines)
    {
        ReadFirstHeaderRow(lines, HeaderStyle.Parenthesized, "an Arbin header row ('Data_Point,Test_Time(s),...,Current(A),Voltage(V),...')");
        _time = Columns.Require(UnitKind.Time, "Test_Time(s)", "Test Time", "TestTime");
        _current = Columns.Require(UnitKind.Current, "Current(A)", "Current");
        _voltage = Columns.Require(UnitKind.Voltage, "Voltage(V)", "Voltage");
        _step = Columns.Find(UnitKind.None, "Step_Index", "Step Index");
        _cycle = Columns.Find(UnitKind.None, "Cycle_Index", "Cycle Index");
        _chargeCap = Columns.Find(UnitKind.Charge, "Charge_Capacity", "Charge Capacity");
        _dischargeCap = Columns.Find(UnitKind.Charge, "Discharge_Capacity", "Discharge Capacity");
        if (_chargeCap.Found != _dischargeCap.Found)
        {
            Diagnostics.AddNote("only one of Charge_Capacity/Discharge_Capacity is present; no charge counter is reported");
            _chargeCap = _dischargeCap = Column.Absent;
        }

        _date = Columns.Find(UnitKind.None, "Date_Time", "Date Time", "DateTime");
        _temperature = Columns.Find(UnitKind.Temperature, "Aux_Temperature_1", "Aux Temperature 1", "Temperature", "Cell Temperature");
        UseColumns(_time, _current, _voltage, _step, _cycle, _chargeCap, _dischargeCap, _date, _temperature);
    }

    /// <inheritdoc />
    public override bool TryParseRow(ReadOnlySpan<byte> line, long lineNumber, out CyclerSample sample, out RowError error)
    {
        sample = default;
        Span<FieldSlice> buffer = stackalloc FieldSlice[Width];
        ReadOnlySpan<FieldSlice> fields = Split(line, buffer);
        if (!TryGetDuration(line, fields, _time, out double time, out error)
            || !TryGetDouble(line, fields, _current, out double current, out error)
            || !TryGetDouble(line, fields, _voltage, out double voltage, out error)
            || !TryGetOptionalInt(line, fields, _step, out int step, out error)
            || !TryGetUnneededInt(line, fields, _cycle, lineNumber, out int cycle)
            || !TryGetOptionalDouble(line, fields, _chargeCap, out double chargeCap, out error)
            || !TryGetOptionalDouble(line, fields, _dischargeCap, out double dischargeCap, out error)
            || !TryGetOptionalDouble(line, fields, _temperature, out double temperature, out error))
        {
            return false;
        }

        // The row is good: update the running state.
        int segment = _segments.Next(cycle, chargeCap < _lastCharge || dischargeCap < _lastDischarge);
        _lastCharge = chargeCap;
        _lastDischarge = dischargeCap;
        if (!_started)
        {
            _started = true;
            if (_date.Found)
            {
                Diagnostics.StartTime = DateText.TryParse(TextOf(line, fields, _date));
            }
        }

        sample = new CyclerSample(SinceStart(time), voltage, current, chargeCap - dischargeCap, segment, step, cycle, StepKind.Unknown, temperature);
        return true;
    }
}
