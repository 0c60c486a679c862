using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Twin.Storage.Internal;

namespace Twin.Storage.Spool;

/// <summary>Records of one <see cref="PointSpool.WriteAsync"/> call, already framed, waiting to be appended.</summary>
internal sealed class AppendRequest(PooledBufferWriter data, int records, long appendedUnixMs)
{
    public PooledBufferWriter Data { get; } = data;

    /// <summary>Encoded size, for the queued-bytes budget (<see cref="Data"/> is returned to the pool once done).</summary>
    public long Bytes { get; } = data.WrittenCount;

    public int Records { get; } = records;

    public long AppendedUnixMs { get; } = appendedUnixMs;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The single writer of segment files. Takes queued requests from a channel, appends every request that fits
/// the disk bound, fsyncs once for the whole group (group commit) and only then completes the requests, so an
/// accepted point is on disk. Starts a new segment when the active one reaches its size.
/// </summary>
internal sealed class SpoolAppender
{
    private const int GroupBytes = 8 << 20;
    private readonly Channel<AppendRequest> _queue = Channel.CreateUnbounded<AppendRequest>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly SegmentSet _set;
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly AsyncSignal _appended;
    private readonly Action<bool> _fullChanged;
    private readonly Action<bool, string> _diskFullChanged;
    private readonly Action<long> _done;
    private readonly long _minFreeDisk;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private FileStream _active;
    private SegmentInfo _activeInfo;
    private long _activeLength;

    public SpoolAppender(SegmentSet set, string directory, long maxBytes, long segmentBytes, long minFreeDisk, AsyncSignal appended,
        Action<bool> fullChanged, Action<bool, string> diskFullChanged, Action<long> done, ILogger logger)
    {
        _minFreeDisk = minFreeDisk;
        _diskFullChanged = diskFullChanged;
        _done = done;
        _set = set;
        _directory = directory;
        _maxBytes = maxBytes;
        _segmentBytes = segmentBytes;
        _appended = appended;
        _fullChanged = fullChanged;
        _logger = logger;
        _activeInfo = set.Active;
        _activeLength = _activeInfo.Length;
        _active = OpenForAppend(_activeInfo);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a request; its <see cref="AppendRequest.Completion"/> completes once it is fsync'd or refused.</summary>
    public bool TryEnqueue(AppendRequest request) => _queue.Writer.TryWrite(request);

    /// <summary>Stops taking requests, appends those queued, closes the active segment.</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>Closes the file without appending what is queued (crash simulation for tests).</summary>
    public void Abandon()
    {
        _queue.Writer.TryComplete();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop's fate does not matter to a simulated crash.
        }
    }

    private static FileStream OpenForAppend(SegmentInfo info)
    {
        var fs = new FileStream(info.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        fs.SetLength(info.Length);
        fs.Position = info.Length;
        return fs;
    }

    private async Task RunAsync()
    {
        var group = new List<AppendRequest>();
        var accepted = new List<AppendRequest>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                group.Clear();
                long groupBytes = 0;
                while (groupBytes < GroupBytes && _queue.Reader.TryRead(out var r))
                {
                    group.Add(r);
                    groupBytes += r.Data.WrittenCount;
                }
                try
                {
                    AppendGroup(group, accepted);
                }
                catch (Exception e)
                {
                    // Never let the single appender die: callers would wait forever.
                    _logger.LogError(e, "Spool {Directory}: unexpected append failure", _directory);
                    foreach (var r in group)
                    {
                        if (!r.Completion.Task.IsCompleted)
                        {
                            Fail(r, new IOException($"spool '{_directory}': append failed: {e.Message}", e));
                        }
                    }
                }
            }
        }
        finally
        {
            _active.Dispose();
            while (_queue.Reader.TryRead(out var r))
            {
                Fail(r, new ObjectDisposedException(nameof(PointSpool)));
            }
        }
    }

    private void AppendGroup(List<AppendRequest> group, List<AppendRequest> accepted)
    {
        accepted.Clear();
        long uncommittedBytes = 0, uncommittedRecords = 0, firstMs = 0;
        long free = _minFreeDisk > 0 ? FreeDiskBytes() : -1, written = 0;
        try
        {
            foreach (var r in group)
            {
                int size = r.Data.WrittenCount;
                if (_minFreeDisk > 0 && free >= 0 && free - (written + size) < _minFreeDisk)
                {
                    SetDiskFull(true, $"{free - written:N0} bytes free on the disk of spool '{_directory}', {_minFreeDisk:N0} are kept free");
                    Fail(r, new SpoolDiskFullException(_directory, free - written, size));
                    continue;
                }
                if (!HasRoom(uncommittedBytes + size))
                {
                    long used;
                    lock (_set.Lock)
                    {
                        _set.SpoolFullRejections++;
                        used = _set.DiskBytes;
                    }
                    SetFull(true);
                    Fail(r, new SpoolFullException(_directory, _maxBytes, used + uncommittedBytes, size));
                    continue;
                }
                if (_activeLength > SegmentFormat.HeaderSize && _activeLength + size > _segmentBytes)
                {
                    Commit(accepted, ref uncommittedBytes, ref uncommittedRecords, ref firstMs);
                    Roll();
                }
                _active.Write(r.Data.WrittenSpan);
                _activeLength += size;
                written += size;
                uncommittedBytes += size;
                uncommittedRecords += r.Records;
                if (firstMs == 0)
                {
                    firstMs = r.AppendedUnixMs;
                }
                accepted.Add(r);
            }
            Commit(accepted, ref uncommittedBytes, ref uncommittedRecords, ref firstMs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            bool noSpace = e is IOException io && SpoolDiskFullException.IsNoSpace(io);
            if (noSpace)
            {
                SetDiskFull(true, $"no space left on the disk of spool '{_directory}': {e.Message}");
            }
            else
            {
                _logger.LogError(e, "Spool {Directory}: append failed", _directory);
            }
            RestoreAfterFailure();
            long freeNow = FreeDiskBytes();
            foreach (var r in group)
            {
                if (!r.Completion.Task.IsCompleted)
                {
                    Fail(r, noSpace
                        ? new SpoolDiskFullException(_directory, freeNow, r.Bytes, e)
                        : new IOException($"spool '{_directory}': append failed: {e.Message}", e));
                }
            }
            return;
        }

        bool cleared;
        lock (_set.Lock)
        {
            cleared = _set.TryClearFull(_maxBytes);
        }
        if (cleared)
        {
            _fullChanged(false);
        }
    }

    // fsyncs the active segment, publishes what was written since the last commit and completes those requests:
    // from here on they are durable, whatever happens to the rest of the group.
    private void Commit(List<AppendRequest> accepted, ref long bytes, ref long records, ref long firstMs)
    {
        if (bytes == 0)
        {
            return;
        }
        _active.Flush(flushToDisk: true);
        lock (_set.Lock)
        {
            _activeInfo.Length = _activeLength;
            _set.DiskBytes += bytes;
            _set.PendingBytes += bytes;
            _set.PendingRecords += records;
            _set.PointsAccepted += records;
            if (_set.OldestPendingUnixMs == 0)
            {
                _set.OldestPendingUnixMs = firstMs;
            }
        }
        bytes = 0;
        records = 0;
        firstMs = 0;
        _appended.Pulse();
        if (DiskFull)
        {
            SetDiskFull(false, $"the disk of spool '{_directory}' has room again");
        }
        foreach (var r in accepted)
        {
            r.Data.Dispose();
            _done(r.Bytes);
            r.Completion.TrySetResult();
        }
        accepted.Clear();
    }

    /// <summary>True while writes are refused because the file system is full.</summary>
    public bool DiskFull
    {
        get
        {
            lock (_set.Lock)
            {
                return _set.DiskFull;
            }
        }
    }

    /// <summary>Free bytes on the spool's file system (statvfs), or -1 when it cannot be asked.</summary>
    public long FreeDiskBytes()
    {
        try
        {
            return new DriveInfo(_directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return -1;
        }
    }

    private void SetDiskFull(bool full, string message)
    {
        bool changed;
        lock (_set.Lock)
        {
            changed = _set.DiskFull != full;
            _set.DiskFull = full;
            if (full)
            {
                _set.DiskFullRejections++;
            }
        }
        if (changed)
        {
            _diskFullChanged(full, message);
        }
    }

    private void Roll()
    {
        // Create the next segment first: if that fails, the active one is still usable.
        var next = SpoolRecovery.CreateSegment(_directory, _activeInfo.Id + 1, _activeInfo.Precision);
        var stream = OpenForAppend(next);
        _active.Dispose();
        lock (_set.Lock)
        {
            _activeInfo.Sealed = true;
            _set.Segments.Add(next);
            _set.DiskBytes += next.Length;
            _set.ReclaimConfirmed();
        }
        _activeInfo = next;
        _activeLength = next.Length;
        _active = stream;
        _appended.Pulse();
    }

    private bool HasRoom(long extra)
    {
        bool rollToReclaim;
        lock (_set.Lock)
        {
            if (_set.DiskBytes + extra <= _maxBytes)
            {
                return true;
            }
            _set.ReclaimConfirmed();
            if (_set.DiskBytes + extra <= _maxBytes)
            {
                return true;
            }
            // Everything in the active segment is confirmed: start a new one so the old can be deleted.
            rollToReclaim = _set.ConfirmedSegment == _activeInfo.Id && _set.ConfirmedOffset >= _activeInfo.Length &&
                _activeLength == _activeInfo.Length && _activeLength > SegmentFormat.HeaderSize;
        }
        if (!rollToReclaim)
        {
            return false;
        }
        Roll();
        lock (_set.Lock)
        {
            _set.ReclaimConfirmed();
            return _set.DiskBytes + extra <= _maxBytes;
        }
    }

    private void SetFull(bool full)
    {
        bool changed;
        lock (_set.Lock)
        {
            changed = _set.IsFull != full;
            _set.IsFull = full;
        }
        if (changed)
        {
            _fullChanged(full);
        }
    }

    // After a failed write, cut the active segment back to its committed length, or start a new segment.
    private void RestoreAfterFailure()
    {
        try
        {
            _active.SetLength(_activeInfo.Length);
            _active.Position = _activeInfo.Length;
            _active.Flush(flushToDisk: true);
            _activeLength = _activeInfo.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(e, "Spool {Directory}: cannot cut back segment {Segment}; starting a new one", _directory, _activeInfo.Id);
            try
            {
                _activeLength = _activeInfo.Length;
                Roll();
            }
            catch (Exception e2) when (e2 is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(e2, "Spool {Directory}: cannot start a new segment", _directory);
            }
        }
    }

    private void Fail(AppendRequest r, Exception e)
    {
        if (r.Completion.TrySetException(e))
        {
            r.Data.Dispose();
            _done(r.Bytes);
        }
    }
}
