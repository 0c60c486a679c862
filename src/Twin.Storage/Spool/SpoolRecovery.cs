using Microsoft.Extensions.Logging;
using Twin.Storage.Internal;
using Twin.Storage.LineProtocol;

namespace Twin.Storage.Spool;

/// <summary>
/// Opens a spool directory after a clean stop or a crash: deletes segments the checkpoint shows as confirmed,
/// checks every remaining record's length and CRC, truncates a torn or damaged tail (everything before it is
/// kept, nothing after it is invented), counts the unconfirmed records and makes sure an active segment of the
/// wanted precision exists.
/// </summary>
internal static class SpoolRecovery
{
    public static SegmentSet Recover(string directory, TimestampPrecision precision, ILogger logger, List<string> notes)
    {
        foreach (string temp in Directory.EnumerateFiles(directory, "*.tmp"))
        {
            File.Delete(temp);
        }
        bool haveCheckpoint = SpoolCheckpoint.TryRead(directory, out long ckSegment, out long ckOffset);
        if (!haveCheckpoint && File.Exists(Path.Combine(directory, SpoolCheckpoint.FileName)))
        {
            notes.Add("the checkpoint file is damaged; all records on disk will be sent again (duplicates are harmless)");
        }

        var files = new List<(long Id, string Path)>();
        foreach (string path in Directory.EnumerateFiles(directory, "*" + SegmentFormat.Extension))
        {
            if (SegmentFormat.TryParseFileName(path, out long id))
            {
                files.Add((id, path));
            }
        }
        files.Sort((a, b) => a.Id.CompareTo(b.Id));
        long maxId = Math.Max(ckSegment, files.Count == 0 ? 0 : files[^1].Id);

        var set = new SegmentSet();
        Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
        for (int i = 0; i < files.Count; i++)
        {
            var (id, path) = files[i];
            bool last = i == files.Count - 1;
            if (haveCheckpoint && id < ckSegment)
            {
                File.Delete(path);
                continue;
            }
            using (var reader = new SegmentReader(path, SegmentFormat.HeaderSize))
            {
                long fileLength = reader.FileLength;
                int got = reader.ReadHeader(header);
                if (got < SegmentFormat.HeaderSize || !SegmentFormat.TryReadHeader(header, out long headerId, out var segPrecision) || headerId != id)
                {
                    if (last && fileLength <= SegmentFormat.HeaderSize)
                    {
                        // Crash while creating the segment: it never held a record.
                        reader.Dispose();
                        File.Delete(path);
                        continue;
                    }
                    reader.Dispose();
                    File.Move(path, path + ".corrupt", overwrite: true);
                    notes.Add($"segment {Path.GetFileName(path)} has a damaged header and was set aside as {Path.GetFileName(path)}.corrupt");
                    continue;
                }

                long startPending = haveCheckpoint && id == ckSegment ? Math.Max(ckOffset, SegmentFormat.HeaderSize) : SegmentFormat.HeaderSize;
                long records = 0, pendingRecords = 0, firstPendingMs = 0;
                ReadStatus status;
                while ((status = reader.Next(fileLength)) == ReadStatus.Record)
                {
                    records++;
                    if (reader.RecordOffset >= startPending)
                    {
                        if (pendingRecords == 0)
                        {
                            firstPendingMs = reader.AppendedUnixMs;
                        }
                        pendingRecords++;
                    }
                }
                long validEnd = reader.Position;
                if (validEnd < fileLength)
                {
                    long cut = fileLength - validEnd;
                    reader.Dispose();
                    using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                    {
                        fs.SetLength(validEnd);
                        fs.Flush(flushToDisk: true);
                    }
                    set.RecoveredBytesDiscarded += cut;
                    string what = status == ReadStatus.Torn ? "a torn record (incomplete write)" : "a damaged record (length or CRC mismatch)";
                    notes.Add($"segment {Path.GetFileName(path)}: {what} at offset {validEnd}; cut {cut} bytes, kept the {records} records before it");
                }
                if (startPending > validEnd)
                {
                    startPending = validEnd;
                }
                var info = new SegmentInfo(id, path, segPrecision, validEnd) { Sealed = !last };
                set.Segments.Add(info);
                set.DiskBytes += validEnd;
                set.PendingRecords += pendingRecords;
                set.PendingBytes += validEnd - startPending;
                if (set.OldestPendingUnixMs == 0 && firstPendingMs != 0)
                {
                    set.OldestPendingUnixMs = firstPendingMs;
                }
                if (set.Segments.Count == 1)
                {
                    set.ConfirmedSegment = id;
                    set.ConfirmedOffset = startPending;
                }
            }
        }

        // Every segment but the last is sealed; the last stays active if it has the wanted precision.
        for (int i = 0; i < set.Segments.Count - 1; i++)
        {
            set.Segments[i].Sealed = true;
        }
        if (set.Segments.Count == 0 || set.Active.Precision != precision)
        {
            if (set.Segments.Count > 0)
            {
                set.Active.Sealed = true;
            }
            var created = CreateSegment(directory, maxId + 1, precision);
            set.Segments.Add(created);
            set.DiskBytes += created.Length;
            if (set.Segments.Count == 1)
            {
                set.ConfirmedSegment = created.Id;
                set.ConfirmedOffset = SegmentFormat.HeaderSize;
            }
        }
        DurableFile.SyncDirectory(directory);
        foreach (string note in notes)
        {
            logger.LogWarning("Spool {Directory}: {Note}", directory, note);
        }
        return set;
    }

    /// <summary>Creates, fsyncs and registers in the directory a new empty segment.</summary>
    public static SegmentInfo CreateSegment(string directory, long id, TimestampPrecision precision)
    {
        string path = Path.Combine(directory, SegmentFormat.FileName(id));
        Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
        SegmentFormat.WriteHeader(header, id, precision);
        using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            fs.Write(header);
            fs.Flush(flushToDisk: true);
        }
        DurableFile.SyncDirectory(directory);
        return new SegmentInfo(id, path, precision, SegmentFormat.HeaderSize);
    }
}
