namespace Twin.Data.Readers.Formats;

/// <summary>
/// A column located in the header: its position, header name, and the linear conversion of its values
/// to SI-ish base units (s, A, V, A·h, °C): <c>value = raw * Scale + Offset</c>.
/// </summary>
/// <param name="Index">0-based field index, or -1 when the file does not have the column.</param>
/// <param name="Name">Header name as written in the file (for messages).</param>
/// <param name="Scale">Multiplier to the base unit.</param>
/// <param name="Offset">Added after scaling (temperature units only).</param>
internal readonly record struct Column(int Index, string Name, double Scale = 1, double Offset = 0)
{
    /// <summary>A column the file does not have.</summary>
    public static Column Absent { get; } = new(-1, string.Empty);

    /// <summary>True when the file has the column.</summary>
    public bool Found => Index >= 0;

    /// <summary>Converts a raw value to the base unit.</summary>
    public double Convert(double raw) => (raw * Scale) + Offset;
}
