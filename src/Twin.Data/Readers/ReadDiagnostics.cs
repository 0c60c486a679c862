namespace Twin.Data.Readers;

/// <summary>
/// What a <see cref="CyclerFileReader"/> found in its source: format, header metadata, and how many rows
/// it read or skipped. Counters grow while the samples are enumerated.
/// </summary>
public sealed class ReadDiagnostics
{
    /// <summary>How many skip reasons are kept (the first ones).</summary>
    public const int MaxSkipReasons = 10;

    private readonly List<string> _skipReasons = [];
    private readonly List<string> _notes = [];

    internal ReadDiagnostics(string source, CyclerFormat format)
    {
        Source = source;
        Format = format;
    }

    /// <summary>The file path or stream source name.</summary>
    public string Source { get; }

    /// <summary>The format the source is read as (detected or forced).</summary>
    public CyclerFormat Format { get; }

    /// <summary>Whether <see cref="Format"/> was detected from the content (false when forced by options).</summary>
    public bool FormatDetected { get; internal set; }

    /// <summary>
    /// Wall-clock time of the start of the test when the file records one (instrument local time; files
    /// carry no zone, so the offset is zero). For formats that carry it only in data rows it is known after
    /// the first row has been read.
    /// </summary>
    public DateTimeOffset? StartTime { get; internal set; }

    /// <summary>The header names of every column found, in file order (including ignored ones).</summary>
    public IReadOnlyList<string> Columns { get; internal set; } = [];

    /// <summary>1-based line number of the column header row.</summary>
    public long HeaderLine { get; internal set; }

    /// <summary>Data rows turned into samples so far.</summary>
    public long RowsRead { get; internal set; }

    /// <summary>Malformed data rows skipped so far (lenient mode only).</summary>
    public long RowsSkipped { get; internal set; }

    /// <summary>The first <see cref="MaxSkipReasons"/> reasons for skipping rows, each naming line and column.</summary>
    public IReadOnlyList<string> SkipReasons => _skipReasons;

    /// <summary>Decisions the reader took about the file's conventions (sign of current, units, time column).</summary>
    public IReadOnlyList<string> Notes => _notes;

    internal void RecordSkip(string reason)
    {
        RowsSkipped++;
        if (_skipReasons.Count < MaxSkipReasons)
        {
            _skipReasons.Add(reason);
        }
    }

    internal void AddNote(string note) => _notes.Add(note);
}
