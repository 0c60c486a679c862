using Twin.Core.Samples;
using Twin.Data.Readers.Formats;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.Maccor;

/// <summary>
/// Maccor text export: a few tab-separated "label:	value" header lines, then a table whose header row
/// starts with <c>Rec#</c>; or MaccorExport's CSV, whose header row is <c>Rec,Cycle P,Cycle C,Step,Test Time,Step Time,
/// Capacity (AHr),Energy (WHr),Current (A),Voltage (V),MD,ES,DPT Time</c> (current unsigned, <c>MD</c> the mode).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Time: <c>TestTime</c> as <c>  1d 02:18:47.41</c> (days, then h:m:s with fractional seconds), or
/// plain seconds in exports with a <c>Test Time (Sec)</c> column.</item>
/// <item>Current: <c>Amps</c> is unsigned; <c>State</c> gives the direction: C = charge (+), D = discharge (−),
/// R = rest, anything else (O, ...) = other, left as written.</item>
/// <item>Counter: <c>Amp-hr</c> is unsigned and restarts from 0 at every step (in the shipped LG M50 file it
/// is 0.00000 at the first rest row, 0.63781 at the end of the step-2 discharge, then 0 again at step 3).
/// It is signed by <c>State</c> like the current, and a new counter segment starts whenever cycle, step or
/// state changes, or <c>Amp-hr</c> falls.</item>
/// <item>Start time: <c>Date of Test:</c> in the header (<c>11 December 2020, 12:22:12 PM</c>), else the
/// first row's <c>DPt Time</c>.</item>
/// <item>Temperature: a <c>Temp 1</c>/<c>Temperature</c> column, else the first <c>Aux #n</c> column whose
/// <c>Units</c> cell says C; readings below absolute zero (an unconnected thermocouple reads about
/// −2500 °C) are reported as NaN.</item>
/// </list>
/// </remarks>
internal sealed class MaccorParser(string source, ReadDiagnostics diagnostics) : DelimitedParser(source, diagnostics)
{
    private const int HeaderSearchLines = 60;

    private Column _time, _current, _voltage, _state, _ampHours, _step, _cycle, _pointTime, _temperature, _temperatureUnit;
    private SegmentTracker _segments;
    private double _lastAmpHours = double.NaN;
    private bool _startTaken;

    /// <inheritdoc />
    public override void ReadHeader(ByteLineReader lines)
    {
        Delimiter = (byte)'\t';
        while (true)
        {
            if (!lines.TryReadLine(out ReadOnlySpan<byte> line) || lines.LineNumber > HeaderSearchLines)
            {
                throw new CyclerDataException(Source, 0, null,
                    $"no column header row starting with 'Rec#' (text export) or 'Rec,' (CSV export) in the first {HeaderSearchLines} lines; expected a Maccor export");
            }

            ReadOnlySpan<byte> trimmed = FieldText.Trim(line);
            if (IsTableHeader(trimmed))
            {
                Delimiter = DelimiterGuess.FromHeader(trimmed);
                SetHeader(line, lines.LineNumber, HeaderStyle.Parenthesized);
                break;
            }

            ReadPreambleLine(line);
        }

        _time = Columns.Require(UnitKind.Time, "TestTime", "TestTime", "Test Time", "Test");
        _current = Columns.Require(UnitKind.Current, "Amps", "Amps", "Current");
        _voltage = Columns.Require(UnitKind.Voltage, "Volts", "Volts", "Voltage");
        _state = Columns.Require(UnitKind.None, "State", "State", "MD");
        _ampHours = Columns.Find(UnitKind.Charge, "Amp-hr", "AmpHr", "Amp-hrs", "Capacity");
        _step = Columns.Find(UnitKind.None, "Step");
        _cycle = Columns.Find(UnitKind.None, "Cyc#", "Cycle", "Cycle P");
        _pointTime = Columns.Find(UnitKind.None, "DPt Time");
        FindTemperature();
        UseColumns(_time, _current, _voltage, _state, _ampHours, _step, _cycle, _pointTime, _temperature, _temperatureUnit);
    }

    /// <summary>
    /// The table's header row: <c>Rec#</c> then a tab (MIMS text export), or <c>Rec</c> then a comma, tab or semicolon
    /// (MaccorExport's CSV and newer text exports: <c>Rec,Cycle P,Cycle C,Step,Test Time,…,MD,ES,DPT Time</c>).
    /// </summary>
    internal static bool IsTableHeader(ReadOnlySpan<byte> line) =>
        (line.StartsWith("Rec#"u8) && line.IndexOf((byte)'\t') > 0)
        || (line.Length > 4 && line.StartsWith("Rec"u8) && line[3] is (byte)',' or (byte)'\t' or (byte)';');

    /// <inheritdoc />
    public override bool TryParseRow(ReadOnlySpan<byte> line, long lineNumber, out CyclerSample sample, out RowError error)
    {
        sample = default;
        Span<FieldSlice> buffer = stackalloc FieldSlice[Width];
        ReadOnlySpan<FieldSlice> fields = Split(line, buffer);
        if (!TryGetDuration(line, fields, _time, out double time, out error)
            || !TryGetDouble(line, fields, _current, out double amps, out error)
            || !TryGetDouble(line, fields, _voltage, out double volts, out error)
            || !TryGetOptionalDouble(line, fields, _ampHours, out double ampHours, out error)
            || !TryGetOptionalInt(line, fields, _step, out int step, out error)
            || !TryGetUnneededInt(line, fields, _cycle, lineNumber, out int cycle)
            || !TryGetOptionalDouble(line, fields, _temperature, out double temperature, out error))
        {
            return false;
        }

        if (_state.Index >= fields.Length)
        {
            error = RowError.MissingField(_state, fields.Length);
            return false;
        }

        ReadOnlySpan<byte> stateText = TextOf(line, fields, _state);
        byte state = stateText.IsEmpty ? (byte)' ' : (byte)(stateText[0] & ~0x20);
        StepKind kind = state switch
        {
            (byte)'C' => StepKind.Charge,
            (byte)'D' => StepKind.Discharge,
            (byte)'R' => StepKind.Rest,
            _ => StepKind.Other,
        };

        if (_temperatureUnit.Found && !IsCelsius(TextOf(line, fields, _temperatureUnit)))
        {
            temperature = double.NaN;
        }

        if (temperature < -273.15)
        {
            temperature = double.NaN;
        }

        // The row is good: update the running state.
        long identity = SegmentTracker.Identity(cycle, step) ^ ((long)state << 56);
        int segment = _segments.Next(identity, ampHours < _lastAmpHours);
        _lastAmpHours = ampHours;
        if (!_startTaken)
        {
            _startTaken = true;
            if (Diagnostics.StartTime is null && _pointTime.Found)
            {
                Diagnostics.StartTime = DateText.TryParse(TextOf(line, fields, _pointTime));
            }
        }

        sample = new CyclerSample(SinceStart(time), volts, StepSign.Apply(amps, kind), StepSign.Apply(ampHours, kind), segment, step, cycle, kind, temperature);
        return true;
    }

    private static bool IsCelsius(ReadOnlySpan<byte> unit) =>
        FieldText.EqualsIgnoreCase(unit, "C"u8) || FieldText.EqualsIgnoreCase(unit, "degC"u8) || unit.SequenceEqual("°C"u8) || unit.SequenceEqual("℃"u8);

    private void ReadPreambleLine(ReadOnlySpan<byte> line)
    {
        List<string> cells = FieldSplitter.SplitToStrings(line, Delimiter);
        for (int i = 0; i + 1 < cells.Count; i++)
        {
            if (cells[i].Trim().Equals("Date of Test:", StringComparison.OrdinalIgnoreCase))
            {
                Diagnostics.StartTime = DateText.TryParse(cells[i + 1]);
            }
        }
    }

    private void FindTemperature()
    {
        _temperature = Columns.Find(UnitKind.Temperature, "Temp 1", "Temp1", "Temperature", "Temp");
        _temperatureUnit = Column.Absent;
        if (_temperature.Found)
        {
            return;
        }

        for (int i = 0; i + 1 < Columns.Names.Count; i++)
        {
            if (Columns.KeyOf(i).StartsWith("aux#", StringComparison.Ordinal) && Columns.KeyOf(i + 1) == "units")
            {
                _temperature = Columns.Describe(i, UnitKind.Temperature);
                _temperatureUnit = Columns.Describe(i + 1, UnitKind.None);
                Diagnostics.AddNote($"temperature from '{Columns.Names[i]}' on rows whose unit is C");
                return;
            }
        }
    }
}
