using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Twin.Storage.Influx;
using Twin.Storage.Internal;
using Twin.Storage.LineProtocol;

namespace Twin.Storage.Spool;

/// <summary>
/// Sends the spool to the database in strict order, one batch in flight: reads committed records from the
/// confirmed position, builds a batch (bounded by lines and bytes, sent when full or old enough; a single record
/// larger than the byte bound goes alone, straight from the reader's buffer), hands it to the writer (which retries
/// transient failures), isolates and quarantines refused lines, then advances and fsyncs the checkpoint and
/// deletes segments whose records are all confirmed.
/// </summary>
internal sealed class SpoolDrainer : IDisposable
{
    private readonly SegmentSet _set;
    private readonly ILineProtocolWriter _writer;
    private readonly SpoolOptions _options;
    private readonly string _directory;
    private readonly QuarantineLog _quarantine;
    private readonly AsyncSignal _appended;
    private readonly AsyncSignal _progress;
    private readonly Action<SpoolAlarm> _alarm;
    private readonly Action _reclaimed;
    private readonly ILogger _logger;
    private readonly PooledBufferWriter _batch = new(1 << 16);
    private readonly List<int> _lineStarts = new(1024);
    // A record larger than a whole batch, sent alone straight from the reader's buffer (no copy), or empty.
    private ReadOnlyMemory<byte> _oversized;
    private SegmentReader? _reader;
    private long _readerSegment = -1;

    public SpoolDrainer(SegmentSet set, ILineProtocolWriter writer, SpoolOptions options, string directory, QuarantineLog quarantine,
        AsyncSignal appended, AsyncSignal progress, Action<SpoolAlarm> alarm, Action reclaimed, ILogger logger)
    {
        _set = set;
        _writer = writer;
        _options = options;
        _directory = directory;
        _quarantine = quarantine;
        _appended = appended;
        _progress = progress;
        _alarm = alarm;
        _reclaimed = reclaimed;
        _logger = logger;
    }

    /// <summary>When set, partial batches are sent at once (shutdown flush).</summary>
    public volatile bool FlushNow;

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Spool {Directory}: drainer failed; retrying in {Pause}", _directory, _options.ErrorPause);
                CloseReader();
                try
                {
                    await Task.Delay(_options.ErrorPause, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        CloseReader();
    }

    public void Dispose()
    {
        CloseReader();
        _batch.Dispose();
    }

    private async Task DrainAsync(CancellationToken stopping)
    {
        long batchSegment = -1, batchStart = 0, batchEnd = 0, firstMs = 0;
        var precision = TimestampPrecision.Nanoseconds;
        _batch.Clear();
        _lineStarts.Clear();
        while (true)
        {
            stopping.ThrowIfCancellationRequested();
            var wake = _appended.WaitAsync();

            SegmentInfo? segment;
            long limit;
            bool sealedSegment;
            lock (_set.Lock)
            {
                segment = _set.Find(_set.ConfirmedSegment);
                if (segment is null)
                {
                    // The confirmed segment was reclaimed: continue with the next.
                    var next = _set.After(_set.ConfirmedSegment);
                    if (next is not null)
                    {
                        _set.ConfirmedSegment = next.Id;
                        _set.ConfirmedOffset = SegmentFormat.HeaderSize;
                    }
                    segment = next;
                }
                limit = segment?.Length ?? 0;
                sealedSegment = segment?.Sealed ?? false;
                if (segment is not null && _lineStarts.Count == 0)
                {
                    batchSegment = segment.Id;
                    batchStart = batchEnd = _set.ConfirmedOffset;
                    precision = segment.Precision;
                }
            }
            if (segment is null)
            {
                await wake.WaitAsync(stopping).ConfigureAwait(false);
                continue;
            }

            EnsureReader(segment, batchEnd);
            bool full = Fill(limit, ref batchEnd, ref firstMs);

            if (_lineStarts.Count == 0)
            {
                if (sealedSegment && batchEnd >= limit)
                {
                    MoveToNextSegment(segment.Id);
                    continue;
                }
                if (FlushNow)
                {
                    _progress.Pulse();
                }
                await wake.WaitAsync(stopping).ConfigureAwait(false);
                continue;
            }

            bool endOfSegment = sealedSegment && batchEnd >= limit;
            if (!full && !endOfSegment && !FlushNow)
            {
                var age = TimeSpan.FromMilliseconds(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - firstMs));
                if (age < _options.FlushInterval)
                {
                    using var delay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    await Task.WhenAny(wake, Task.Delay(_options.FlushInterval - age, delay.Token)).ConfigureAwait(false);
                    delay.Cancel();
                    stopping.ThrowIfCancellationRequested();
                    continue;
                }
            }

            try
            {
                await SendAsync(batchSegment, batchStart, batchEnd, precision, stopping).ConfigureAwait(false);
            }
            finally
            {
                _oversized = ReadOnlyMemory<byte>.Empty;
            }
            _batch.Clear();
            _lineStarts.Clear();
            firstMs = 0;
        }
    }

    // Adds committed records to the batch; true when the batch is full.
    private bool Fill(long limit, ref long batchEnd, ref long firstMs)
    {
        var reader = _reader!;
        reader.Seek(batchEnd);
        while (_lineStarts.Count < _options.BatchMaxLines)
        {
            var status = reader.Next(limit);
            if (status == ReadStatus.End)
            {
                return false;
            }
            if (status != ReadStatus.Record)
            {
                if (_lineStarts.Count > 0)
                {
                    // Send what precedes the damage first; the next call starts at it with an empty batch.
                    return true;
                }
                SkipDamaged(limit, status, batchEnd);
                batchEnd = limit;
                return false;
            }
            var payload = reader.Payload;
            if (_lineStarts.Count > 0 && _batch.WrittenCount + payload.Length > _options.BatchMaxBytes)
            {
                reader.Seek(reader.RecordOffset);
                return true;
            }
            if (_lineStarts.Count == 0 && payload.Length > _options.BatchMaxBytes)
            {
                // A batch is bounded by bytes: a record larger than that goes alone, without a copy.
                firstMs = reader.AppendedUnixMs;
                lock (_set.Lock)
                {
                    _set.OldestPendingUnixMs = firstMs;
                }
                _oversized = reader.PayloadMemory;
                _lineStarts.Add(0);
                batchEnd = reader.Position;
                return true;
            }
            if (_lineStarts.Count == 0)
            {
                firstMs = reader.AppendedUnixMs;
                lock (_set.Lock)
                {
                    _set.OldestPendingUnixMs = firstMs;
                }
            }
            _lineStarts.Add(_batch.WrittenCount);
            payload.CopyTo(_batch.GetSpan(payload.Length));
            _batch.Advance(payload.Length);
            batchEnd = reader.Position;
        }
        return true;
    }

    private async Task SendAsync(long segmentId, long start, long end, TimestampPrecision precision, CancellationToken stopping)
    {
        int lines = _lineStarts.Count;
        var budget = new StrongBox<int>(_options.MaxIsolationRequests);
        var (written, quarantined) = await SendRangeAsync(0, lines, precision, segmentId, start, stopping, budget).ConfigureAwait(false);
        lock (_set.Lock)
        {
            _set.ConfirmedSegment = segmentId;
            _set.ConfirmedOffset = end;
            _set.PendingRecords -= lines;
            _set.PendingBytes -= end - start;
            _set.PointsWritten += written;
            _set.QuarantinedLines += quarantined;
            _set.BatchesWritten++;
            if (_set.PendingRecords <= 0)
            {
                _set.PendingRecords = 0;
                _set.OldestPendingUnixMs = 0;
            }
        }
        SpoolCheckpoint.Write(_directory, segmentId, end);
        lock (_set.Lock)
        {
            _set.ReclaimConfirmed();
        }
        _reclaimed();
        _progress.Pulse();
    }

    // Sends lines [from, to); when refused, halves the range to find the refused lines (within the budget).
    private async Task<(int Written, int Quarantined)> SendRangeAsync(int from, int to, TimestampPrecision precision, long segmentId,
        long batchStart, CancellationToken stopping, StrongBox<int> budget)
    {
        int count = to - from;
        var body = Slice(from, to);
        var result = await _writer.WriteAsync(body, count, precision, stopping).ConfigureAwait(false);
        if (result.Written)
        {
            return (count, 0);
        }
        if (count == 1 || budget.Value < 2)
        {
            _quarantine.Append(body.Span, count, result.StatusCode, result.Reason, precision.ToV2Parameter(), segmentId, batchStart);
            string message = $"{count} line(s) refused by the database with HTTP {result.StatusCode} ({result.Reason}) were moved to {_quarantine.Path}";
            _logger.LogError("Spool {Directory}: {Message}", _directory, message);
            _alarm(new SpoolAlarm(SpoolAlarmKind.Quarantined, true, message, DateTimeOffset.UtcNow));
            return (0, count);
        }
        int mid = from + (count / 2);
        budget.Value -= 2;
        var a = await SendRangeAsync(from, mid, precision, segmentId, batchStart, stopping, budget).ConfigureAwait(false);
        var b = await SendRangeAsync(mid, to, precision, segmentId, batchStart, stopping, budget).ConfigureAwait(false);
        return (a.Written + b.Written, a.Quarantined + b.Quarantined);
    }

    private ReadOnlyMemory<byte> Slice(int from, int to)
    {
        if (!_oversized.IsEmpty)
        {
            return _oversized;
        }
        int start = _lineStarts[from];
        int end = to < _lineStarts.Count ? _lineStarts[to] : _batch.WrittenCount;
        return _batch.WrittenMemory[start..end];
    }

    private void MoveToNextSegment(long finishedId)
    {
        long nextId;
        lock (_set.Lock)
        {
            var next = _set.After(finishedId);
            if (next is null)
            {
                return;
            }
            nextId = next.Id;
            _set.ConfirmedSegment = next.Id;
            _set.ConfirmedOffset = SegmentFormat.HeaderSize;
            _set.ReclaimConfirmed();
        }
        SpoolCheckpoint.Write(_directory, nextId, SegmentFormat.HeaderSize);
        CloseReader();
        _reclaimed();
        _progress.Pulse();
    }

    // Committed data that fails its check can only come from disk damage: skip to the end of what is committed,
    // count again what is left, and raise an alarm.
    private void SkipDamaged(long limit, ReadStatus status, long at)
    {
        string message = $"segment {_readerSegment}: {(status == ReadStatus.Torn ? "truncated" : "damaged")} record at offset {at}; " +
                         $"skipped {limit - at} bytes of committed data";
        _logger.LogError("Spool {Directory}: {Message}", _directory, message);
        _alarm(new SpoolAlarm(SpoolAlarmKind.Recovered, true, message, DateTimeOffset.UtcNow));
        _reader!.Seek(limit);
        lock (_set.Lock)
        {
            _set.ConfirmedOffset = limit;
            _set.PendingBytes -= limit - at;
            _set.RecoveredBytesDiscarded += limit - at;
        }
        RecountPending();
    }

    private void RecountPending()
    {
        lock (_set.Lock)
        {
            long records = 0;
            foreach (var s in _set.Segments)
            {
                if (s.Id < _set.ConfirmedSegment)
                {
                    continue;
                }
                long from = s.Id == _set.ConfirmedSegment ? _set.ConfirmedOffset : SegmentFormat.HeaderSize;
                using var r = new SegmentReader(s.Path, from);
                while (r.Next(s.Length) == ReadStatus.Record)
                {
                    records++;
                }
            }
            _set.PendingRecords = records;
        }
    }

    private void EnsureReader(SegmentInfo segment, long position)
    {
        if (_reader is not null && _readerSegment == segment.Id)
        {
            return;
        }
        CloseReader();
        _reader = new SegmentReader(segment.Path, position, Math.Max(256 * 1024, _options.BatchMaxBytes + 64 * 1024));
        _readerSegment = segment.Id;
    }

    private void CloseReader()
    {
        _reader?.Dispose();
        _reader = null;
        _readerSegment = -1;
    }
}
