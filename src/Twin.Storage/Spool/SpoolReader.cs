using Twin.Storage.LineProtocol;

namespace Twin.Storage.Spool;

/// <summary>
/// Reads a spool directory without opening it (no lock, no recovery, nothing changed): every valid record of
/// every segment in order, stopping in a segment at its first torn or damaged record. For exporting the embedded
/// store (e.g. <c>twin</c>) and for tests. For an open spool prefer <see cref="PointSpool.ReadAsync"/>.
/// </summary>
public static class SpoolReader
{
    /// <summary>Enumerates the records of <paramref name="directory"/>.</summary>
    /// <param name="directory">Spool directory.</param>
    /// <param name="includeConfirmed">Also records before the checkpoint (already confirmed by the database).</param>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    public static IEnumerable<SpoolRecord> ReadAll(string directory, bool includeConfirmed = true)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"spool directory '{directory}' does not exist");
        }
        bool haveCheckpoint = SpoolCheckpoint.TryRead(directory, out long ckSegment, out long ckOffset);
        var files = new List<(long Id, string Path)>();
        foreach (string path in Directory.EnumerateFiles(directory, "*" + SegmentFormat.Extension))
        {
            if (SegmentFormat.TryParseFileName(path, out long id))
            {
                files.Add((id, path));
            }
        }
        files.Sort((a, b) => a.Id.CompareTo(b.Id));
        byte[] header = new byte[SegmentFormat.HeaderSize];
        foreach (var (id, path) in files)
        {
            if (!includeConfirmed && haveCheckpoint && id < ckSegment)
            {
                continue;
            }
            long from = !includeConfirmed && haveCheckpoint && id == ckSegment ? Math.Max(ckOffset, SegmentFormat.HeaderSize) : SegmentFormat.HeaderSize;
            using var reader = new SegmentReader(path, from);
            if (reader.ReadHeader(header) < SegmentFormat.HeaderSize || !SegmentFormat.TryReadHeader(header, out _, out TimestampPrecision precision))
            {
                continue;
            }
            long length = reader.FileLength;
            while (reader.Next(length) == ReadStatus.Record)
            {
                yield return new SpoolRecord(id, reader.RecordOffset, DateTimeOffset.FromUnixTimeMilliseconds(reader.AppendedUnixMs),
                    precision, reader.Payload.ToArray());
            }
        }
    }

    /// <summary>Enumerates the points of <paramref name="directory"/> (parsed back from line protocol).</summary>
    /// <param name="directory">Spool directory.</param>
    /// <param name="includeConfirmed">Also points already confirmed by the database.</param>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FormatException">A record is not valid line protocol.</exception>
    public static IEnumerable<LinePoint> ReadPoints(string directory, bool includeConfirmed = true)
    {
        foreach (var record in ReadAll(directory, includeConfirmed))
        {
            yield return record.ToPoint();
        }
    }
}
