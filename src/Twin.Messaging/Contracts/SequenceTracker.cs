namespace Twin.Messaging.Contracts;

/// <summary>What a sequence number means relative to what came before.</summary>
public enum SequenceVerdict : byte
{
    /// <summary>The next expected number (or the first seen).</summary>
    InOrder,
    /// <summary>Later than expected: numbers were skipped (a gap); the sample is accepted.</summary>
    Gap,
    /// <summary>Already seen (a redelivery); the sample must be dropped.</summary>
    Duplicate,
}

/// <summary>
/// Per-source sequence bookkeeping: counts gaps and duplicates so that none passes silently. Not
/// thread-safe; one per cell worker.
/// </summary>
public sealed class SequenceTracker
{
    /// <summary>Creates a tracker, optionally resuming after <paramref name="lastSeq"/>.</summary>
    /// <param name="lastSeq">Last sequence number already applied, or null when nothing was.</param>
    public SequenceTracker(long? lastSeq = null) => LastSeq = lastSeq;

    /// <summary>Last accepted sequence number, or null.</summary>
    public long? LastSeq { get; private set; }

    /// <summary>Samples accepted.</summary>
    public long Accepted { get; private set; }

    /// <summary>Samples dropped as duplicates.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Gaps seen (each skip counts once).</summary>
    public long Gaps { get; private set; }

    /// <summary>Sequence numbers missing in the gaps.</summary>
    public long Missing { get; private set; }

    /// <summary>Classifies and records one sequence number.</summary>
    /// <param name="seq">The sample's sequence number.</param>
    /// <returns>In order, gap (accepted) or duplicate (to drop).</returns>
    public SequenceVerdict Observe(long seq)
    {
        if (LastSeq is long last)
        {
            if (seq <= last)
            {
                Duplicates++;
                return SequenceVerdict.Duplicate;
            }
            LastSeq = seq;
            Accepted++;
            if (seq == last + 1) return SequenceVerdict.InOrder;
            Gaps++;
            Missing += seq - last - 1;
            return SequenceVerdict.Gap;
        }
        LastSeq = seq;
        Accepted++;
        return SequenceVerdict.InOrder;
    }
}
