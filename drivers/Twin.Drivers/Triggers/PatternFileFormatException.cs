namespace Twin.Drivers.Triggers;

/// <summary>An integrated pattern file cannot be read; the message names the file, the line and what was expected.</summary>
public sealed class PatternFileFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="lineNumber">1-based line number (0 = the file as a whole).</param>
    /// <param name="message">What was expected and what was found.</param>
    public PatternFileFormatException(string path, int lineNumber, string message)
        : base(lineNumber > 0 ? $"{path}:{lineNumber}: {message}" : $"{path}: {message}")
    {
        Path = path;
        LineNumber = lineNumber;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>1-based line number, 0 for the file as a whole.</summary>
    public int LineNumber { get; }
}
