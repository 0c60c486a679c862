using Twin.Storage.LineProtocol;

namespace Twin.Storage.Spool;

/// <summary>A segment file as the spool tracks it.</summary>
internal sealed class SegmentInfo(long id, string path, TimestampPrecision precision, long length)
{
    public long Id { get; } = id;

    public string Path { get; } = path;

    public TimestampPrecision Precision { get; } = precision;

    /// <summary>Committed (fsync'd) length in bytes; readers never go past it.</summary>
    public long Length { get; set; } = length;

    /// <summary>No more appends: the next segment exists.</summary>
    public bool Sealed { get; set; }
}

/// <summary>
/// State shared by the appender and the drainer, guarded by <see cref="Lock"/>: the segment list, the committed end,
/// the confirmed position and the counters.
/// </summary>
internal sealed class SegmentSet
{
    public object Lock { get; } = new();

    public List<SegmentInfo> Segments { get; } = [];

    /// <summary>Segment of the first unconfirmed record.</summary>
    public long ConfirmedSegment { get; set; }

    /// <summary>Offset of the first unconfirmed record in <see cref="ConfirmedSegment"/>.</summary>
    public long ConfirmedOffset { get; set; }

    public long PendingRecords { get; set; }

    public long PendingBytes { get; set; }

    public long DiskBytes { get; set; }

    /// <summary>Append time (Unix ms) of the oldest unconfirmed record; 0 when unknown or none.</summary>
    public long OldestPendingUnixMs { get; set; }

    public long PointsAccepted { get; set; }

    public long PointsWritten { get; set; }

    public long QuarantinedLines { get; set; }

    public long BatchesWritten { get; set; }

    public long SpoolFullRejections { get; set; }

    public long RecoveredBytesDiscarded { get; set; }

    public bool IsFull { get; set; }

    /// <summary>The file system is full (ENOSPC, or less than the free-space reserve left).</summary>
    public bool DiskFull { get; set; }

    public long DiskFullRejections { get; set; }

    public SegmentInfo Active => Segments[^1];

    /// <summary>
    /// Clears <see cref="IsFull"/> once at least a tenth of the bound is free again (hysteresis, so the alarm does not
    /// flap with every small write); call under <see cref="Lock"/>. True when it was cleared.
    /// </summary>
    public bool TryClearFull(long maxBytes)
    {
        if (IsFull && DiskBytes <= maxBytes - (maxBytes / 10))
        {
            IsFull = false;
            return true;
        }
        return false;
    }

    public SegmentInfo? Find(long id)
    {
        foreach (var s in Segments)
        {
            if (s.Id == id)
            {
                return s;
            }
        }
        return null;
    }

    /// <summary>The segment after <paramref name="id"/>, or null.</summary>
    public SegmentInfo? After(long id)
    {
        foreach (var s in Segments)
        {
            if (s.Id > id)
            {
                return s;
            }
        }
        return null;
    }

    /// <summary>True when (segment, offset) is at or after the committed end.</summary>
    public static int Compare(long segA, long offA, long segB, long offB) =>
        segA != segB ? segA.CompareTo(segB) : offA.CompareTo(offB);

    /// <summary>
    /// Deletes sealed segments whose records are all confirmed (call under <see cref="Lock"/>); moves the confirmed
    /// position to the start of the next segment when it sat at the end of a deleted one. Returns bytes freed.
    /// </summary>
    public long ReclaimConfirmed()
    {
        long freed = 0;
        while (Segments.Count > 1)
        {
            var first = Segments[0];
            bool done = first.Sealed && (ConfirmedSegment > first.Id || (ConfirmedSegment == first.Id && ConfirmedOffset >= first.Length));
            if (!done)
            {
                break;
            }
            try
            {
                File.Delete(first.Path);
            }
            catch (IOException)
            {
                break;
            }
            Segments.RemoveAt(0);
            DiskBytes -= first.Length;
            freed += first.Length;
            if (ConfirmedSegment <= first.Id)
            {
                ConfirmedSegment = Segments[0].Id;
                ConfirmedOffset = SegmentFormat.HeaderSize;
            }
        }
        return freed;
    }
}
