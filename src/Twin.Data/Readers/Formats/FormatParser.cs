using Twin.Core.Samples;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.Formats;

/// <summary>
/// Turns the lines of one format into samples. One instance reads one file: it keeps the running state
/// (time origin, counter segments, sign decisions) between rows. A row that fails leaves that state
/// untouched, so lenient reading can skip it.
/// </summary>
internal abstract class FormatParser(string source, ReadDiagnostics diagnostics)
{
    /// <summary>The file path or stream source name, for messages.</summary>
    protected string Source { get; } = source;

    /// <summary>Where header metadata and notes go.</summary>
    protected ReadDiagnostics Diagnostics { get; } = diagnostics;

    /// <summary>
    /// Consumes the lines before the first data row, locates the columns and records the metadata.
    /// </summary>
    /// <exception cref="CyclerDataException">The header is not what the format requires.</exception>
    public abstract void ReadHeader(ByteLineReader lines);

    /// <summary>True when the line carries no data at all and is passed over silently.</summary>
    public abstract bool IsBlank(ReadOnlySpan<byte> line);

    /// <summary>Parses one data row.</summary>
    /// <param name="line">The row's bytes, without line end.</param>
    /// <param name="lineNumber">1-based line number of the row in the file.</param>
    /// <param name="sample">The sample, when the row is good.</param>
    /// <param name="error">What is wrong, when the row is malformed.</param>
    /// <returns>False with <paramref name="error"/> set when the row is malformed.</returns>
    public abstract bool TryParseRow(ReadOnlySpan<byte> line, long lineNumber, out CyclerSample sample, out RowError error);
}
