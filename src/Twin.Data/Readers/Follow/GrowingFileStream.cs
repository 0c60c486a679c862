namespace Twin.Data.Readers.Follow;

/// <summary>
/// Reads a file that another program (the cycler software) is still writing, as a stream that does not end at the
/// file's present end: a read waits, polling, until more is written. Only complete lines are handed out — the bytes
/// after the last line end are held back until their line end arrives — so a reader never sees half a row. The
/// stream ends when <see cref="FollowOptions.IdleExit"/> passes without growth or the stop token fires; a partial
/// last line is then still held back (<see cref="HeldBackBytes"/>). A file that shrinks below what was read, or whose
/// first bytes change (the cycler started a new file under the same name), fails the read with
/// <see cref="FollowedFileChangedException"/>; nothing read before is taken back.
/// </summary>
public sealed class GrowingFileStream : Stream
{
    private const int HeadBytes = 4096;

    private readonly string _path;
    private readonly FollowOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stop;
    private readonly FileStream _file;
    private readonly byte[] _head = new byte[HeadBytes];
    private int _headLength;
    private byte[] _buffer = new byte[1 << 16];
    private int _start, _ready, _end; // [_start, _ready): complete lines to hand out; [_ready, _end): a partial line
    private long _fileRead;           // bytes read from the file
    private long _lastGrowth;

    /// <summary>Opens a file to follow.</summary>
    /// <param name="path">The file; it must exist (it may be empty).</param>
    /// <param name="options">Polling interval and idle exit.</param>
    /// <param name="time">Clock of the idle exit (default: the system clock).</param>
    /// <param name="stop">Ends the stream at the next poll (what is complete is still handed out first).</param>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public GrowingFileStream(string path, FollowOptions options, TimeProvider? time = null, CancellationToken stop = default)
    {
        options.Validate();
        _path = path;
        _options = options;
        _time = time ?? TimeProvider.System;
        _stop = stop;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        _lastGrowth = _time.GetTimestamp();
    }

    /// <summary>The file's first bytes as read through this stream (up to 4 KiB): what identifies the file followed,
    /// even after the path has been given to another file.</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    /// <summary>Bytes of an unfinished last line held back (not handed out) so far.</summary>
    public int HeldBackBytes => _end - _ready;

    /// <summary>Bytes of complete lines handed out so far.</summary>
    public long BytesHandedOut => _fileRead - (_end - _start);

    /// <summary>
    /// Reads what the file holds now, without waiting, and says whether complete lines are ready to hand out; lets a
    /// reader look at a file's first lines (format detection) without waiting for more to be written.
    /// </summary>
    /// <returns>True when at least one complete line is ready.</returns>
    public bool ReadyNow()
    {
        if (_ready > _start) return true;
        FillFromFile();
        return _ready > _start;
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        while (_ready == _start)
        {
            if (FillFromFile()) continue;
            CheckUnchanged();
            if (_options.EndWhen?.Invoke() == true)
            {
                // The writer moved on to another file: this one is complete, and a last line without a line end is a row.
                if (_end > _ready && ReleaseLastLine()) continue;
                return 0;
            }
            if (_stop.IsCancellationRequested) return 0;
            if (_options.IdleExit is { } idle && _time.GetElapsedTime(_lastGrowth) >= idle) return 0;
            _options.OnIdle?.Invoke();
            _stop.WaitHandle.WaitOne(_options.PollInterval);
        }
        int n = Math.Min(buffer.Length, _ready - _start);
        _buffer.AsSpan(_start, n).CopyTo(buffer);
        _start += n;
        return n;
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Reads what the file holds past what was read; true when bytes were added.</summary>
    private bool FillFromFile()
    {
        if (_start > 0 && _start == _end)
        {
            _start = _ready = _end = 0;
        }
        else if (_start > _buffer.Length / 2)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _ready -= _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int n = _file.Read(_buffer, _end, _buffer.Length - _end);
        if (n <= 0) return false;
        if (_headLength < HeadBytes)
        {
            int take = Math.Min(n, HeadBytes - _headLength);
            Buffer.BlockCopy(_buffer, _end, _head, _headLength, take);
            _headLength += take;
        }
        _end += n;
        _fileRead += n;
        _lastGrowth = _time.GetTimestamp();
        int lastNewline = _buffer.AsSpan(_ready, _end - _ready).LastIndexOf((byte)'\n');
        if (lastNewline >= 0) _ready += lastNewline + 1;
        return true;
    }

    /// <summary>Hands out the held-back bytes as a last line (a line end added); false when there were none.</summary>
    private bool ReleaseLastLine()
    {
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        _buffer[_end++] = (byte)'\n';
        _ready = _end;
        return true;
    }

    /// <summary>Fails when the file at the path was truncated below what was read or no longer starts with the same bytes.</summary>
    private void CheckUnchanged()
    {
        long length;
        byte[] head = new byte[_headLength];
        int got = 0;
        try
        {
            using var now = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            length = now.Length;
            while (got < head.Length)
            {
                int n = now.Read(head, got, head.Length - got);
                if (n <= 0) break;
                got += n;
            }
        }
        catch (FileNotFoundException)
        {
            throw new FollowedFileChangedException($"{_path} was deleted or renamed while it was followed ({_fileRead:N0} bytes read); restart to follow the new file");
        }
        if (length < _fileRead)
            throw new FollowedFileChangedException($"{_path} was truncated to {length:N0} bytes while it was followed ({_fileRead:N0} bytes read): the cycler rewrote it; restart to go on (the same file resumes after the samples already sent, a new one is published from its first sample)");
        if (got < _headLength || !head.AsSpan(0, got).SequenceEqual(_head.AsSpan(0, _headLength)))
            throw new FollowedFileChangedException($"{_path} was replaced while it was followed: its first bytes changed ({_fileRead:N0} bytes of the old file read); restart to publish the new file from its first sample");
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException("a followed file has no length yet");

    /// <inheritdoc/>
    public override long Position { get => BytesHandedOut; set => throw new NotSupportedException("a followed file is read forward only"); }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a followed file is read forward only");

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("a followed file is read only");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("a followed file is read only");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>How a growing file is followed.</summary>
public sealed record FollowOptions
{
    /// <summary>Time between looks at the file while it does not grow (default 250 ms).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>End the stream after the file did not grow for this long; null follows until stopped (default).</summary>
    public TimeSpan? IdleExit { get; init; }

    /// <summary>
    /// Asked at each poll that found nothing new: true ends the stream at the file's present end, handing out a last
    /// line that has no line end (the writer started another file, so this one is complete); null never ends it so.
    /// </summary>
    public Func<bool>? EndWhen { get; init; }

    /// <summary>Called on the reading thread at each poll that found nothing new (e.g. to save progress while the file rests); null for none.</summary>
    public Action? OnIdle { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A non-positive interval.</exception>
    public void Validate()
    {
        if (PollInterval <= TimeSpan.Zero) throw new ArgumentException($"poll interval must be positive, got {PollInterval}");
        if (IdleExit is { } idle && idle <= TimeSpan.Zero) throw new ArgumentException($"idle exit must be positive, got {idle}");
    }
}

/// <summary>The followed file was truncated, replaced, deleted or renamed; the message says which and what to do.</summary>
/// <param name="message">What happened.</param>
public sealed class FollowedFileChangedException(string message) : IOException(message);
