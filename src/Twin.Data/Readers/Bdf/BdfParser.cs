using Twin.Core.Samples;
using Twin.Data.Readers.Formats;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.Bdf;

/// <summary>
/// Battery Data Format CSV (Battery Data Alliance): a single header row of "Name / unit" labels, then
/// one row per sample.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Time: <c>Test Time / s</c> (or <c>/ h</c>, <c>/ min</c>); <c>Unix Time / s</c>, when present, gives the start time.</item>
/// <item>Current: <c>Current / A</c>, sign decided per file (see <see cref="BdfCurrentSign"/>).</item>
/// <item>Counter: <c>Charge Capacity / Ah</c> − <c>Discharge Capacity / Ah</c>. In the shipped sample both
/// restart from 0 at every step (each is 0 at the first row of a step and only the one matching the step
/// type grows), so a new counter segment starts whenever cycle, step or step type changes, or either
/// capacity falls. Without those columns <c>Net Capacity / Ah</c> is used; without any, no counter.</item>
/// <item>Step: <c>Step Count / 1</c> (monotonic, preferred) or <c>Step Index / 1</c>; cycle: <c>Cycle Count / 1</c>.</item>
/// <item>Temperature: <c>Surface Temperature T1 / degC</c>, <c>Temperature T1 / degC</c>, or as a last resort
/// <c>Ambient Temperature / degC</c>.</item>
/// </list>
/// </remarks>
internal sealed class BdfParser(string source, ReadDiagnostics diagnostics) : DelimitedParser(source, diagnostics)
{
    private readonly BdfCurrentSign _sign = new();
    private Column _time, _voltage, _current, _cycle, _step, _stepType, _charge, _discharge, _net, _unixTime, _temperature;
    private SegmentTracker _segments;
    private double _lastCharge = double.NaN, _lastDischarge = double.NaN;
    private int _lastSegment = -1;
    private bool _startTaken;

    /// <inheritdoc />
    public override void ReadHeader(ByteLineReader lines)
    {
        ReadFirstHeaderRow(lines, HeaderStyle.SpacedSlash, "a BDF header row ('Test Time / s,Voltage / V,Current / A,...')");
        _time = Columns.Require(UnitKind.Time, "Test Time / s", "Test Time");
        _voltage = Columns.Require(UnitKind.Voltage, "Voltage / V", "Voltage");
        _current = Columns.Require(UnitKind.Current, "Current / A", "Current");
        _cycle = Columns.Find(UnitKind.None, "Cycle Count", "Cycle Index", "Cycle Number");
        _step = Columns.Find(UnitKind.None, "Step Count", "Step Index");
        _stepType = Columns.Find(UnitKind.None, "Step Type");
        _charge = Columns.Find(UnitKind.Charge, "Charge Capacity", "Charging Capacity");
        _discharge = Columns.Find(UnitKind.Charge, "Discharge Capacity", "Discharging Capacity");
        _net = _charge.Found && _discharge.Found ? Column.Absent : Columns.Find(UnitKind.Charge, "Net Capacity");
        if (!_net.Found && _charge.Found != _discharge.Found)
        {
            Diagnostics.AddNote("only one of the charge/discharge capacity columns is present; no charge counter is reported");
            _charge = _discharge = Column.Absent;
        }

        _unixTime = Columns.Find(UnitKind.Time, "Unix Time");
        _temperature = Columns.Find(UnitKind.Temperature, "Surface Temperature T1", "Temperature T1", "Cell Temperature", "Temperature");
        if (!_temperature.Found)
        {
            _temperature = Columns.Find(UnitKind.Temperature, "Ambient Temperature");
        }

        UseColumns(_time, _voltage, _current, _cycle, _step, _stepType, _charge, _discharge, _net, _unixTime, _temperature);
    }

    /// <inheritdoc />
    public override bool TryParseRow(ReadOnlySpan<byte> line, long lineNumber, out CyclerSample sample, out RowError error)
    {
        sample = default;
        Span<FieldSlice> buffer = stackalloc FieldSlice[Width];
        ReadOnlySpan<FieldSlice> fields = Split(line, buffer);
        if (!TryGetDouble(line, fields, _time, out double time, out error)
            || !TryGetDouble(line, fields, _voltage, out double voltage, out error)
            || !TryGetDouble(line, fields, _current, out double current, out error)
            || !TryGetUnneededInt(line, fields, _cycle, lineNumber, out int cycle)
            || !TryGetOptionalInt(line, fields, _step, out int step, out error)
            || !TryGetOptionalDouble(line, fields, _charge, out double charge, out error)
            || !TryGetOptionalDouble(line, fields, _discharge, out double discharge, out error)
            || !TryGetOptionalDouble(line, fields, _net, out double net, out error)
            || !TryGetOptionalDouble(line, fields, _unixTime, out double unixTime, out error)
            || !TryGetOptionalDouble(line, fields, _temperature, out double temperature, out error))
        {
            return false;
        }

        StepKind kind = _stepType.Found ? StepKindText.Classify(TextOf(line, fields, _stepType)) : StepKind.Unknown;

        // The row is good: update the running state.
        bool chargeFell = charge < _lastCharge;
        bool dischargeFell = discharge < _lastDischarge;
        bool chargeGrew = charge > _lastCharge;
        bool dischargeGrew = discharge > _lastDischarge;
        long identity = SegmentTracker.Identity(cycle, step) ^ ((long)kind << 56);
        int segment = _segments.Next(identity, chargeFell || dischargeFell);
        bool sameSegment = segment == _lastSegment;
        _lastSegment = segment;
        _lastCharge = charge;
        _lastDischarge = discharge;
        _sign.Observe(current, kind, sameSegment && chargeGrew, sameSegment && dischargeGrew, lineNumber, Diagnostics);

        if (!_startTaken)
        {
            _startTaken = true;
            if (!double.IsNaN(unixTime))
            {
                Diagnostics.StartTime = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(unixTime * TimeSpan.TicksPerSecond));
            }
        }

        double counter = _net.Found ? net : charge - discharge;
        sample = new CyclerSample(SinceStart(time), voltage, (current * _sign.Factor) + 0.0, counter, segment, step, cycle, kind, temperature);
        return true;
    }
}
