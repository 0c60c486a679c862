namespace Twin.Data.Readers.Diffraction;

/// <summary>
/// An integrated pattern or a lattice-parameter table does not hold what its format promises. The message names the
/// file and the 1-based line, says what was found and what was expected, e.g.
/// <c>p0042.xy line 31: expected 2 or 3 numbers (radial position, intensity[, σ]), found 'abc'</c>.
/// </summary>
public sealed class DiffractionFileException : Exception
{
    /// <summary>Creates the exception; the message is composed from the parts.</summary>
    /// <param name="file">The file (or source name) being read.</param>
    /// <param name="line">1-based line number, or 0 when the problem is not on one line.</param>
    /// <param name="detail">What was found and what was expected.</param>
    public DiffractionFileException(string file, long line, string detail)
        : base(CyclerDataException.Compose(file, line, null, detail))
    {
        File = file;
        Line = line;
        Detail = detail;
    }

    /// <summary>The file (or source name) being read.</summary>
    public string File { get; }

    /// <summary>1-based line number of the problem, or 0 when it is not on one line.</summary>
    public long Line { get; }

    /// <summary>The message without the file/line prefix.</summary>
    public string Detail { get; }
}
