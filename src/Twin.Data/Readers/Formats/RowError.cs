using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.Formats;

/// <summary>Why one data row could not be turned into a sample: the column at fault and what was wrong.</summary>
/// <param name="Column">Header name of the column, or null when the row as a whole is wrong.</param>
/// <param name="Detail">What was found and what was expected.</param>
internal readonly record struct RowError(string? Column, string Detail)
{
    public static RowError NotANumber(in Column column, ReadOnlySpan<byte> field) =>
        FieldText.Trim(field).IsEmpty
            ? new(column.Name, "the cell is empty; expected a number")
            : new(column.Name, $"'{FieldText.ForMessage(FieldText.Trim(field))}' is not a number");

    public static RowError NotAnInteger(in Column column, ReadOnlySpan<byte> field) =>
        FieldText.Trim(field).IsEmpty
            ? new(column.Name, "the cell is empty; expected a whole number")
            : new(column.Name, $"'{FieldText.ForMessage(FieldText.Trim(field))}' is not a whole number");

    public static RowError NotADuration(in Column column, ReadOnlySpan<byte> field) =>
        new(column.Name, $"'{FieldText.ForMessage(FieldText.Trim(field))}' is not an elapsed time; expected seconds or [days] hh:mm:ss[.fff]");

    public static RowError NotATimestamp(in Column column, ReadOnlySpan<byte> field) =>
        new(column.Name, $"'{FieldText.ForMessage(FieldText.Trim(field))}' is not a timestamp; expected yyyy-MM-dd HH:mm:ss[.fff]");

    public static RowError MissingField(in Column column, int fieldsInRow) =>
        new(column.Name, $"the row ends after {fieldsInRow} field(s); expected a value in field {column.Index + 1}");
}
