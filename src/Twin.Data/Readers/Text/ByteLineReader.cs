using System.Buffers;

namespace Twin.Data.Readers.Text;

/// <summary>
/// Splits a byte stream into lines without decoding or allocating per line. Lines are handed out as
/// spans into one pooled buffer and stay valid only until the next call.
/// </summary>
/// <remarks>
/// Accepts LF and CRLF line ends, strips a UTF-8 byte-order mark and refuses UTF-16 text. Memory use is
/// the buffer (1 MiB by default) and grows only when a single line is longer than it.
/// </remarks>
internal sealed class ByteLineReader : IDisposable
{
    /// <summary>Default size of the read buffer.</summary>
    public const int DefaultBufferSize = 1 << 20;

    /// <summary>A line longer than this is treated as a corrupt file rather than buffered.</summary>
    public const int MaxLineLength = 64 << 20;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _sourceName;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _preambleChecked;
    private long _lineNumber;

    public ByteLineReader(Stream stream, string sourceName, bool leaveOpen, int bufferSize = DefaultBufferSize)
    {
        _stream = stream;
        _sourceName = sourceName;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, 4096));
    }

    /// <summary>1-based number of the line most recently returned by <see cref="TryReadLine"/>.</summary>
    public long LineNumber => _lineNumber;

    /// <summary>
    /// Returns up to <paramref name="count"/> bytes from the start of the stream without consuming them
    /// (fewer at end of file). Only meaningful before the first line is read.
    /// </summary>
    public ReadOnlySpan<byte> PeekHead(int count)
    {
        while (_end - _start < count && !_eof)
        {
            // A file still being written: look at what it holds now rather than wait for the whole head.
            if (_end > _start && _stream is Follow.GrowingFileStream growing && !growing.ReadyNow())
            {
                break;
            }

            Fill();
        }

        return _buffer.AsSpan(_start, Math.Min(count, _end - _start));
    }

    /// <summary>Reads the next line (without its line end). Returns false at end of the stream.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        int searchFrom = 0;
        while (true)
        {
            ReadOnlySpan<byte> available = _buffer.AsSpan(_start, _end - _start);
            int newline = available[searchFrom..].IndexOf((byte)'\n');
            if (newline >= 0)
            {
                newline += searchFrom;
                line = TrimCarriageReturn(available[..newline]);
                _start += newline + 1;
                _lineNumber++;
                return true;
            }

            if (_eof)
            {
                if (available.IsEmpty)
                {
                    line = default;
                    return false;
                }

                line = TrimCarriageReturn(available);
                _start = _end;
                _lineNumber++;
                return true;
            }

            searchFrom = available.Length;
            Fill();
        }
    }

    /// <summary>
    /// Reads raw bytes (a binary format after its first bytes were peeked): what is buffered first, then the stream.
    /// Fills <paramref name="destination"/> unless the stream ends first.
    /// </summary>
    /// <returns>Bytes read; fewer than asked only at the end of the stream.</returns>
    public int ReadRaw(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        int got = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, got).CopyTo(destination);
        _start += got;
        while (got < destination.Length && !_eof)
        {
            int n = _stream.Read(destination[got..]);
            if (n == 0) _eof = true;
            got += n;
        }
        return got;
    }

    /// <summary>Passes over <paramref name="count"/> raw bytes (see <see cref="ReadRaw"/>).</summary>
    /// <returns>Bytes passed over; fewer only at the end of the stream.</returns>
    public long SkipRaw(long count)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long done = 0;
        while (done < count)
        {
            int n = ReadRaw(scratch[..(int)Math.Min(scratch.Length, count - done)]);
            if (n == 0) break;
            done += n;
        }
        return done;
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private void Fill()
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_start > 0)
        {
            int pending = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            Grow();
        }

        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
        if (!_preambleChecked && (_end >= 4 || _eof))
        {
            _preambleChecked = true;
            SkipPreamble();
        }
    }

    private void Grow()
    {
        if (_buffer.Length >= MaxLineLength)
        {
            throw new CyclerDataException(_sourceName, _lineNumber + 1, null,
                $"a line is longer than {MaxLineLength / (1 << 20)} MiB; this is not a text export of a cycler");
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private void SkipPreamble()
    {
        ReadOnlySpan<byte> head = _buffer.AsSpan(_start, _end - _start);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            _start += 3;
        }
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw new CyclerDataException(_sourceName, 1, null,
                "the file is UTF-16 text; expected UTF-8 or single-byte (ANSI) text - re-export it as UTF-8");
        }
    }
}
