using Twin.Core.Samples;

namespace Twin.Data.Readers.Formats;

/// <summary>A binary file's records, read one at a time (EC-Lab <c>.mpr</c>, Neware <c>.ndax</c>).</summary>
internal interface IRecordSource : IDisposable
{
    /// <summary>1-based number of the record last read.</summary>
    long Record { get; }

    /// <summary>How a record is named in messages, e.g. "record" or "data.ndc record".</summary>
    string RecordName { get; }

    /// <summary>Reads the next record.</summary>
    /// <param name="sample">The sample, when the record is good.</param>
    /// <param name="error">What is wrong with it (column and detail), when it is not.</param>
    /// <returns>Null at the end of the records; false for a bad record; true for a sample.</returns>
    /// <exception cref="CyclerDataException">The file is damaged past reading on.</exception>
    bool? TryRead(out CyclerSample sample, out RowError error);
}
