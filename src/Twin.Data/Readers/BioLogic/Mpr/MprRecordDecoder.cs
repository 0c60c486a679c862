using System.Buffers.Binary;
using Twin.Core.Samples;
using Twin.Data.Readers.Formats;

namespace Twin.Data.Readers.BioLogic.Mpr;

/// <summary>
/// Turns the fixed-size records of an EC-Lab data module into samples, with the conventions of the <c>.mpt</c> reader:
/// time from <c>time/s</c> (seconds since the first record); voltage <c>Ewe/V</c> (id 6), else <c>&lt;Ewe&gt;/V</c>
/// (77, 174); current <c>I/mA</c> (8), else <c>&lt;I&gt;/mA</c> (76, 11), positive = oxidation of the working electrode
/// = charge of a cathode, converted to A; counter <c>(Q-Qo)/mA.h</c> (13) in A·h, one segment; rest when mode is 3 or
/// the current is zero, else charge/discharge from ox/red; step <c>Ns</c> (131); cycle <c>cycle number</c> (24);
/// temperature (462). Allocates nothing per record.
/// </summary>
internal sealed class MprRecordDecoder
{
    private readonly Field _time, _voltage, _current, _charge, _mode, _oxRed, _step, _cycle, _temperature;
    private double _timeOrigin = double.NaN;

    /// <summary>Resolves the columns the samples need.</summary>
    /// <param name="layout">The data module's layout.</param>
    /// <param name="diagnostics">Receives the column names and notes.</param>
    /// <exception cref="FormatException">A needed column (time, voltage, current) is missing; the message lists what the file has.</exception>
    public MprRecordDecoder(MprDataLayout layout, ReadDiagnostics diagnostics)
    {
        RecordSize = layout.RecordSize;
        _time = Require(layout, "time/s", 4);
        _voltage = Require(layout, "Ewe/V", 6, 77, 174);
        _current = Require(layout, "I/mA", 8, 76, 11);
        _charge = Optional(layout, 13);
        _mode = Optional(layout, 1);
        _oxRed = Optional(layout, 2);
        _step = Optional(layout, 131);
        _cycle = Optional(layout, 24);
        _temperature = Optional(layout, 462);
        diagnostics.Columns = [.. layout.Columns.Select(c => c.Name)];
        if (_charge.Offset < 0) diagnostics.AddNote("no '(Q-Qo)/mA.h' column: no charge counter is reported");
    }

    /// <summary>Bytes of one record.</summary>
    public int RecordSize { get; }

    /// <summary>Decodes one record.</summary>
    /// <param name="record">Exactly <see cref="RecordSize"/> bytes.</param>
    /// <param name="sample">The sample, when the record is good.</param>
    /// <param name="error">What is wrong (a value that is not a finite number), when it is not.</param>
    /// <returns>False when the record cannot be a sample; the decoder's state (time origin) is then unchanged.</returns>
    public bool TryDecode(ReadOnlySpan<byte> record, out CyclerSample sample, out RowError error)
    {
        sample = default;
        error = default;
        double time = Read(record, _time), voltage = Read(record, _voltage), currentMa = Read(record, _current);
        double chargeMah = _charge.Offset >= 0 ? Read(record, _charge) : double.NaN;
        double temperature = _temperature.Offset >= 0 ? Read(record, _temperature) : double.NaN;
        if (!Finite(time, _time, ref error) || !Finite(voltage, _voltage, ref error) || !Finite(currentMa, _current, ref error)
            || (_charge.Offset >= 0 && !Finite(chargeMah, _charge, ref error)))
            return false;
        int flags = _mode.Offset >= 0 ? record[_mode.Offset] : _oxRed.Offset >= 0 ? record[_oxRed.Offset] : 0;
        StepKind kind = (_mode.Offset >= 0 && (flags & _mode.Column.FlagMask) == 3) || currentMa == 0 ? StepKind.Rest
            : _oxRed.Offset >= 0 ? ((flags & _oxRed.Column.FlagMask) != 0 ? StepKind.Charge : StepKind.Discharge)
            : StepKind.Unknown;
        int step = _step.Offset >= 0 ? (int)Read(record, _step) : 0;
        double cycle = _cycle.Offset >= 0 ? Read(record, _cycle) : 0;
        if (double.IsNaN(_timeOrigin)) _timeOrigin = time;
        sample = new CyclerSample(time - _timeOrigin, voltage, currentMa / 1000.0, chargeMah / 1000.0, 0, step,
            double.IsFinite(cycle) ? (int)cycle : 0, kind, double.IsFinite(temperature) ? temperature : double.NaN);
        return true;
    }

    private static bool Finite(double value, in Field field, ref RowError error)
    {
        if (double.IsFinite(value)) return true;
        error = new RowError(field.Column.Name, $"{value} is not a finite number");
        return false;
    }

    private static double Read(ReadOnlySpan<byte> record, in Field field)
    {
        ReadOnlySpan<byte> at = record[field.Offset..];
        return field.Column.Type switch
        {
            MprValueType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(at),
            MprValueType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(at),
            MprValueType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(at),
            MprValueType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(at),
            _ => at[0],
        };
    }

    private static Field Require(MprDataLayout layout, string name, params ReadOnlySpan<int> ids)
    {
        var (offset, column) = layout.Find(ids);
        if (offset < 0)
            throw new FormatException($"no '{name}' column (ids {string.Join(", ", ids.ToArray())}); the file has: {string.Join(", ", layout.Columns.Select(c => $"'{c.Name}'"))}");
        return new Field(offset, column);
    }

    private static Field Optional(MprDataLayout layout, int id)
    {
        var (offset, column) = layout.Find(id);
        return new Field(offset, column);
    }

    private readonly record struct Field(int Offset, MprColumn Column);
}
