namespace Twin.Data.Readers;

/// <summary>How a cycler file is read.</summary>
public sealed record ReaderOptions
{
    /// <summary>Options with every default: detect the format from the content, stop at the first bad row.</summary>
    public static ReaderOptions Default { get; } = new();

    /// <summary>Read the file as this format instead of detecting it from its content.</summary>
    public CyclerFormat? Format { get; init; }

    /// <summary>
    /// Skip rows that cannot be parsed (counted in <see cref="ReadDiagnostics.RowsSkipped"/>) instead of
    /// throwing <see cref="CyclerDataException"/>. Missing required columns are an error either way.
    /// </summary>
    public bool Lenient { get; init; }
}
