using System.Text;
using Twin.Core.Samples;
using Twin.Data.Readers.Formats;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.BioLogic;

/// <summary>
/// BioLogic EC-Lab / BT-Lab text export (<c>.mpt</c>): a header block whose length is given by
/// <c>Nb header lines : N</c> (its last line is the column header row), then tab-separated rows; exported without
/// the header block, the column header row is line 1. Numbers
/// use a decimal comma when EC-Lab ran in such a locale; this is detected per file from the first row.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Time: <c>time/s</c>; start time from <c>Acquisition started on : MM/dd/yyyy HH:mm:ss.fff</c>.</item>
/// <item>Voltage: <c>Ewe/V</c> (the working electrode, i.e. the cathode in a half cell), else <c>&lt;Ewe&gt;/V</c>,
/// else <c>Ecell/V</c>.</item>
/// <item>Current: <c>I/mA</c> or <c>&lt;I&gt;/mA</c>, signed by EC-Lab as positive = oxidation of the working
/// electrode = delithiation of a cathode = charge: used as is, converted to A.</item>
/// <item>Counter: <c>(Q-Qo)/mA.h</c>, cumulative and signed like the current; it never restarts, so there
/// is one counter segment. Converted to A·h. Absent → no counter.</item>
/// <item>Kind: <c>mode</c> 3 or zero current = rest, else <c>ox/red</c> 1 = charge, 0 = discharge.</item>
/// <item>Step: <c>Ns</c>; cycle: <c>cycle number</c> (written as a decimal by EC-Lab).</item>
/// </list>
/// </remarks>
internal sealed class MptParser(string source, ReadDiagnostics diagnostics) : DelimitedParser(source, diagnostics)
{
    private const int MaxHeaderLines = 10_000;
    private const int SearchLinesWithoutCount = 200;

    private Column _time, _voltage, _current, _charge, _oxRed, _mode, _sequence, _cycle, _temperature;

    /// <inheritdoc />
    public override void ReadHeader(ByteLineReader lines)
    {
        Delimiter = (byte)'\t';
        long headerLines = 0;
        while (lines.TryReadLine(out ReadOnlySpan<byte> line))
        {
            long number = lines.LineNumber;
            bool isHeaderRow = headerLines > 0
                ? number == headerLines
                : line.IndexOf((byte)'\t') >= 0 && line.IndexOf("time/s"u8) >= 0; // line 1 when exported without the header block
            if (isHeaderRow)
            {
                SetHeader(line, number, HeaderStyle.Slash);
                FindColumns();
                return;
            }

            string text = Encoding.UTF8.GetString(line);
            if (headerLines == 0 && TryReadHeaderCount(text, out long count))
            {
                if (count < 3 || count > MaxHeaderLines)
                {
                    throw new CyclerDataException(Source, number, null,
                        $"'Nb header lines' is {count}; expected a number between 3 and {MaxHeaderLines}");
                }

                headerLines = count;
            }
            else if (text.StartsWith("Acquisition started on", StringComparison.OrdinalIgnoreCase) && text.IndexOf(':') is int colon and > 0)
            {
                Diagnostics.StartTime = DateText.TryParse(text[(colon + 1)..]);
            }

            if (headerLines == 0 && number >= SearchLinesWithoutCount)
            {
                break;
            }
        }

        throw new CyclerDataException(Source, lines.LineNumber, null,
            headerLines > 0
                ? $"the file ends inside its {headerLines}-line header block; expected the column header row at line {headerLines}"
                : "no 'Nb header lines : N' line and no column header row with 'time/s'; expected an EC-Lab text export");
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
            || !TryGetOptionalDouble(line, fields, _charge, out double charge, out error)
            || !TryGetOptionalInt(line, fields, _oxRed, out int oxRed, out error)
            || !TryGetOptionalInt(line, fields, _mode, out int mode, out error)
            || !TryGetOptionalInt(line, fields, _sequence, out int sequence, out error)
            || !TryGetUnneededInt(line, fields, _cycle, lineNumber, out int cycle)
            || !TryGetOptionalDouble(line, fields, _temperature, out double temperature, out error))
        {
            return false;
        }

        StepKind kind;
        if ((_mode.Found && mode == 3) || current == 0)
        {
            kind = StepKind.Rest;
        }
        else if (_oxRed.Found)
        {
            kind = oxRed == 1 ? StepKind.Charge : StepKind.Discharge;
        }
        else
        {
            kind = StepKind.Unknown;
        }

        sample = new CyclerSample(SinceStart(time), voltage, current, charge, 0, sequence, cycle, kind, temperature);
        return true;
    }

    private static bool TryReadHeaderCount(string text, out long count)
    {
        count = 0;
        if (!text.StartsWith("Nb header lines", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        int colon = text.IndexOf(':');
        return colon > 0 && long.TryParse(text[(colon + 1)..].Trim(), out count);
    }

    private void FindColumns()
    {
        _time = Columns.Require(UnitKind.Time, "time/s", "time");
        _voltage = Columns.Require(UnitKind.Voltage, "Ewe/V", "Ewe", "<Ewe>", "Ecell", "<Ecell>");
        _current = Columns.Require(UnitKind.Current, "I/mA", "I", "<I>");
        _charge = Columns.Find(UnitKind.Charge, "(Q-Qo)");
        _oxRed = Columns.Find(UnitKind.None, "ox");
        if (_oxRed.Found && !Columns.Names[_oxRed.Index].Trim().Equals("ox/red", StringComparison.OrdinalIgnoreCase))
        {
            _oxRed = Column.Absent;
        }

        _mode = Columns.Find(UnitKind.None, "mode");
        _sequence = Columns.Find(UnitKind.None, "Ns");
        _cycle = Columns.Find(UnitKind.None, "cycle number");
        _temperature = Columns.Find(UnitKind.Temperature, "Temperature", "Temp");
        if (!_charge.Found)
        {
            Diagnostics.AddNote("no '(Q-Qo)/mA.h' column: no charge counter is reported");
        }

        UseColumns(_time, _voltage, _current, _charge, _oxRed, _mode, _sequence, _cycle, _temperature);
    }
}
