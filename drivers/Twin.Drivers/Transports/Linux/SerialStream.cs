using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;

namespace Twin.Drivers.Transports.Linux;

/// <summary>
/// The byte stream of an open serial port. A dedicated reader thread waits with poll(2) in short slices on the
/// non-blocking descriptor and moves received bytes into a pipe; <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>
/// reads from that pipe, so it honours cancellation and the read timeout and no thread blocks in read(2). A hang-up
/// (POLLHUP, EIO, EOF) completes the pipe with a <see cref="TransportException"/>. Writes go straight to the
/// descriptor, waiting with poll(2) for POLLOUT when the kernel buffer is full.
/// </summary>
internal sealed class SerialStream : Stream
{
    private const int SliceMs = 50;
    private readonly SerialFdHandle _fd;
    private readonly string _endpoint;
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly Thread _reader;
    private volatile bool _stopping;
    private TimeSpan _readTimeout;

    public SerialStream(SerialFdHandle fd, string endpoint, TimeSpan readTimeout)
    {
        _fd = fd;
        _endpoint = endpoint;
        _readTimeout = readTimeout;
        _reader = new Thread(ReaderLoop) { IsBackground = true, Name = $"serial-reader {endpoint}" };
        _reader.Start();
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override bool CanTimeout => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int ReadTimeout
    {
        get => _readTimeout == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)_readTimeout.TotalMilliseconds;
        set => _readTimeout = value == Timeout.Infinite ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(value);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        ReadResult result;
        if (_readTimeout == Timeout.InfiniteTimeSpan)
        {
            result = await _pipe.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(_readTimeout);
            try
            {
                result = await _pipe.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{_endpoint}: no data within {_readTimeout.TotalSeconds:0.###} s");
            }
        }
        var data = result.Buffer;
        if (data.IsEmpty)
        {
            _pipe.Reader.AdvanceTo(data.End);
            return 0; // completed without error: closed locally
        }
        int n = (int)Math.Min(buffer.Length, data.Length);
        var slice = data.Slice(0, n);
        slice.CopyTo(buffer.Span);
        _pipe.Reader.AdvanceTo(slice.End);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteCore(buffer.AsSpan(offset, count), CancellationToken.None);

    public override void Write(ReadOnlySpan<byte> buffer) => WriteCore(buffer, CancellationToken.None);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            WriteCore(buffer.Span, cancellationToken);
            return ValueTask.CompletedTask;
        }
        catch (Exception e)
        {
            return ValueTask.FromException(e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private unsafe void WriteCore(ReadOnlySpan<byte> data, CancellationToken ct)
    {
        bool added = false;
        try
        {
            try { _fd.DangerousAddRef(ref added); }
            catch (ObjectDisposedException e) { throw new TransportException(_endpoint, "write on a closed serial port", e); }
            int fd = _fd.Fd;
            fixed (byte* p = data)
            {
                int done = 0;
                while (done < data.Length)
                {
                    ct.ThrowIfCancellationRequested();
                    nint n = Termios.Write(fd, p + done, (nuint)(data.Length - done));
                    if (n > 0) { done += (int)n; continue; }
                    int errno = Marshal.GetLastPInvokeError();
                    if (n < 0 && errno == Termios.EINTR) continue;
                    if (n < 0 && errno == Termios.EAGAIN)
                    {
                        var pfd = new PollFd { Fd = fd, Events = Termios.POLLOUT };
                        Termios.Poll(&pfd, 1, SliceMs);
                        if ((pfd.REvents & (Termios.POLLHUP | Termios.POLLERR | Termios.POLLNVAL)) != 0)
                            throw new TransportException(_endpoint, "hang-up while writing: the other end of the line went away");
                        continue;
                    }
                    throw new TransportException(_endpoint, errno == Termios.EIO
                        ? "hang-up while writing: the other end of the line went away (EIO)"
                        : $"write failed: {Termios.Describe(errno)}");
                }
            }
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

    private unsafe void ReaderLoop()
    {
        var writer = _pipe.Writer;
        Exception? failure = null;
        try
        {
            while (!_stopping)
            {
                bool added = false;
                try
                {
                    try { _fd.DangerousAddRef(ref added); }
                    catch (ObjectDisposedException) { break; }
                    int fd = _fd.Fd;
                    var pfd = new PollFd { Fd = fd, Events = Termios.POLLIN };
                    int r = Termios.Poll(&pfd, 1, SliceMs);
                    if (r < 0)
                    {
                        int errno = Marshal.GetLastPInvokeError();
                        if (errno == Termios.EINTR) continue;
                        failure = new TransportException(_endpoint, $"poll failed: {Termios.Describe(errno)}");
                        break;
                    }
                    if (r == 0 || _stopping) continue;
                    if ((pfd.REvents & Termios.POLLIN) != 0)
                    {
                        var span = writer.GetSpan(4096);
                        nint n;
                        fixed (byte* p = span) n = Termios.Read(fd, p, (nuint)span.Length);
                        if (n > 0)
                        {
                            writer.Advance((int)n);
                            var flush = writer.FlushAsync();
                            if (!flush.IsCompleted) flush.AsTask().GetAwaiter().GetResult();
                            continue;
                        }
                        int errno = Marshal.GetLastPInvokeError();
                        if (n < 0 && (errno == Termios.EAGAIN || errno == Termios.EINTR)) continue;
                        failure = new TransportException(_endpoint, n == 0
                            ? "hang-up: the line reached end of file (the other end went away)"
                            : errno == Termios.EIO ? "hang-up: the other end of the line went away (EIO)" : $"read failed: {Termios.Describe(errno)}");
                        break;
                    }
                    if ((pfd.REvents & (Termios.POLLHUP | Termios.POLLERR | Termios.POLLNVAL)) != 0)
                    {
                        failure = new TransportException(_endpoint, (pfd.REvents & Termios.POLLHUP) != 0
                            ? "hang-up: the other end of the line went away (POLLHUP)"
                            : $"serial line error (poll revents 0x{pfd.REvents:x})");
                        break;
                    }
                }
                finally
                {
                    if (added) _fd.DangerousRelease();
                }
            }
        }
        catch (Exception e)
        {
            failure = e as TransportException ?? new TransportException(_endpoint, $"serial reader failed: {e.Message}", e);
        }
        writer.Complete(_stopping ? null : failure);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_stopping)
        {
            _stopping = true;
            _fd.Dispose();
            if (Thread.CurrentThread != _reader) _reader.Join(TimeSpan.FromMilliseconds(SliceMs * 4));
        }
        base.Dispose(disposing);
    }
}
