using Twin.Core.Samples;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.Formats;

/// <summary>
/// Shared machinery of the delimited-text formats: field splitting, decimal separator, typed field
/// access with precise errors, and the time origin.
/// </summary>
internal abstract class DelimitedParser(string source, ReadDiagnostics diagnostics) : FormatParser(source, diagnostics)
{
    /// <summary>Most fields a row may need to be split into (a needed column further right is refused).</summary>
    private const int MaxWidth = 2048;

    private bool _decimalDecided;
    private double _timeOrigin = double.NaN;

    /// <summary>The field delimiter.</summary>
    protected byte Delimiter { get; set; } = (byte)',';

    /// <summary>True when the file writes numbers with a decimal comma (only possible when the delimiter is not a comma).</summary>
    protected bool DecimalComma { get; private set; }

    /// <summary>The header.</summary>
    protected ColumnMap Columns { get; set; } = null!;

    /// <summary>How many leading fields of a row are split (one past the rightmost needed column).</summary>
    protected int Width { get; private set; }

    /// <inheritdoc />
    public override bool IsBlank(ReadOnlySpan<byte> line) => FieldText.IsEmptyRow(line, Delimiter);

    /// <summary>Fixes <see cref="Width"/> from the columns the format reads.</summary>
    protected void UseColumns(params ReadOnlySpan<Column> columns)
    {
        int width = 0;
        foreach (Column column in columns)
        {
            width = Math.Max(width, column.Index + 1);
        }

        if (width > MaxWidth)
        {
            throw new CyclerDataException(Source, Diagnostics.HeaderLine, null,
                $"a needed column is field {width}; at most {MaxWidth} fields are supported");
        }

        Width = width;
    }

    /// <summary>
    /// Reads the column header row of a CSV-like export: the first line with at least three fields
    /// (title lines above it are passed over), with the delimiter guessed from it.
    /// </summary>
    /// <param name="lines">The file's lines.</param>
    /// <param name="style">How the header writes units.</param>
    /// <param name="expected">What the header should look like, for the error message.</param>
    protected void ReadFirstHeaderRow(ByteLineReader lines, HeaderStyle style, string expected)
    {
        const int searchLines = 60;
        while (lines.TryReadLine(out ReadOnlySpan<byte> line) && lines.LineNumber <= searchLines)
        {
            byte delimiter = DelimiterGuess.FromHeader(line);
            if (line.Count(delimiter) >= 2)
            {
                Delimiter = delimiter;
                SetHeader(line, lines.LineNumber, style);
                return;
            }
        }

        throw new CyclerDataException(Source, 0, null, $"no column header row in the first {searchLines} lines; expected {expected}");
    }

    /// <summary>Reads the header row <paramref name="header"/> into <see cref="Columns"/> and the diagnostics.</summary>
    protected void SetHeader(ReadOnlySpan<byte> header, long lineNumber, HeaderStyle style)
    {
        List<string> names = FieldSplitter.SplitToStrings(header, Delimiter);
        Columns = new ColumnMap(Source, lineNumber, names, style);
        Diagnostics.Columns = names;
        Diagnostics.HeaderLine = lineNumber;
    }

    /// <summary>
    /// Splits the needed fields of <paramref name="line"/> into <paramref name="buffer"/> (of length
    /// <see cref="Width"/>) and returns the part that was filled. Decides the decimal separator on the
    /// first row that shows it.
    /// </summary>
    protected ReadOnlySpan<FieldSlice> Split(ReadOnlySpan<byte> line, Span<FieldSlice> buffer)
    {
        if (!_decimalDecided)
        {
            DecideDecimalSeparator(line);
        }

        return buffer[..FieldSplitter.Split(line, Delimiter, buffer)];
    }

    /// <summary>Reads a required number, converted by the column's unit.</summary>
    protected bool TryGetDouble(ReadOnlySpan<byte> line, ReadOnlySpan<FieldSlice> fields, in Column column, out double value, out RowError error)
    {
        error = default;
        if ((uint)column.Index >= (uint)fields.Length)
        {
            value = 0;
            error = RowError.MissingField(column, fields.Length);
            return false;
        }

        ReadOnlySpan<byte> field = fields[column.Index].Of(line);
        if (!NumberText.TryParseDouble(field, DecimalComma, out double raw))
        {
            value = 0;
            error = RowError.NotANumber(column, field);
            return false;
        }

        value = column.Convert(raw);
        return true;
    }

    /// <summary>Reads an optional number: NaN when the column is absent, the row is short or the cell empty.</summary>
    protected bool TryGetOptionalDouble(ReadOnlySpan<byte> line, ReadOnlySpan<FieldSlice> fields, in Column column, out double value, out RowError error)
    {
        if (!column.Found || column.Index >= fields.Length || FieldText.Trim(fields[column.Index].Of(line)).IsEmpty)
        {
            value = double.NaN;
            error = default;
            return true;
        }

        return TryGetDouble(line, fields, column, out value, out error);
    }

    /// <summary>Reads an optional whole number: 0 when the column is absent, the row is short or the cell empty.</summary>
    protected bool TryGetOptionalInt(ReadOnlySpan<byte> line, ReadOnlySpan<FieldSlice> fields, in Column column, out int value, out RowError error)
    {
        error = default;
        value = 0;
        if (!column.Found || column.Index >= fields.Length)
        {
            return true;
        }

        ReadOnlySpan<byte> field = fields[column.Index].Of(line);
        if (FieldText.Trim(field).IsEmpty)
        {
            return true;
        }

        if (!NumberText.TryParseInt(field, DecimalComma, out value))
        {
            error = RowError.NotAnInteger(column, field);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads a whole number the twin does not need (the source's cycle number: the twin counts cycles itself). A value
    /// that is not a whole number does not reject the row: it reads as the row before's value (so counter segments
    /// keyed on it do not break), and the first one is noted with its line (<see cref="ReadDiagnostics.Notes"/>).
    /// Always true, to sit in a row's chain of reads.
    /// </summary>
    protected bool TryGetUnneededInt(ReadOnlySpan<byte> line, ReadOnlySpan<FieldSlice> fields, in Column column, long lineNumber, out int value)
    {
        if (TryGetOptionalInt(line, fields, column, out value, out _))
        {
            if (column.Found) (_lastWhole ??= new int[Math.Max(Width, column.Index + 1)])[column.Index] = value;
            return true;
        }

        value = _lastWhole is { } last && column.Index < last.Length ? last[column.Index] : 0;
        if (_unreadableNoted.Add(column.Index))
        {
            string text = System.Text.Encoding.UTF8.GetString(FieldText.Trim(fields[column.Index].Of(line)));
            Diagnostics.AddNote($"line {lineNumber}, column '{column.Name}': '{text}' is not a whole number; the column is not needed (the twin counts cycles itself), so such values are read as the row before's instead of rejecting the row");
        }

        return true;
    }

    private readonly HashSet<int> _unreadableNoted = [];
    private int[]? _lastWhole;

    /// <summary>Reads a required elapsed time (seconds or clock form), converted by the column's unit.</summary>
    protected bool TryGetDuration(ReadOnlySpan<byte> line, ReadOnlySpan<FieldSlice> fields, in Column column, out double seconds, out RowError error)
    {
        error = default;
        if ((uint)column.Index >= (uint)fields.Length)
        {
            seconds = 0;
            error = RowError.MissingField(column, fields.Length);
            return false;
        }

        ReadOnlySpan<byte> field = fields[column.Index].Of(line);
        if (FieldText.Trim(field).IndexOf((byte)':') >= 0)
        {
            if (DurationText.TryParseSeconds(field, DecimalComma, out seconds))
            {
                return true;
            }
        }
        else if (NumberText.TryParseDouble(field, DecimalComma, out double raw))
        {
            seconds = column.Convert(raw);
            return true;
        }

        seconds = 0;
        error = RowError.NotADuration(column, field);
        return false;
    }

    /// <summary>The field of an optional text column (empty when absent or beyond the row).</summary>
    protected static ReadOnlySpan<byte> TextOf(ReadOnlySpan<byte> line, ReadOnlySpan<FieldSlice> fields, in Column column) =>
        column.Found && column.Index < fields.Length ? FieldText.Trim(fields[column.Index].Of(line)) : default;

    /// <summary>
    /// Seconds since the first sample: the first call fixes the origin. Call only once the row is known
    /// to be good.
    /// </summary>
    protected double SinceStart(double time)
    {
        if (double.IsNaN(_timeOrigin))
        {
            _timeOrigin = time;
        }

        return time - _timeOrigin;
    }

    private void DecideDecimalSeparator(ReadOnlySpan<byte> line)
    {
        if (Delimiter == (byte)',')
        {
            _decimalDecided = true;
            return;
        }

        if (line.IndexOf((byte)',') >= 0)
        {
            DecimalComma = true;
            _decimalDecided = true;
            Diagnostics.AddNote("numbers are written with a decimal comma");
        }
        else if (line.IndexOf((byte)'.') >= 0)
        {
            _decimalDecided = true;
        }
    }
}
