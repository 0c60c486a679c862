using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Twin.Storage.Spool;

/// <summary>Outcome of reading the next record of a segment.</summary>
internal enum ReadStatus
{
    /// <summary>A valid record was read.</summary>
    Record,
    /// <summary>The limit was reached exactly at a record boundary.</summary>
    End,
    /// <summary>An incomplete record lies before the limit (a torn write).</summary>
    Torn,
    /// <summary>A complete record fails its length or CRC check.</summary>
    Corrupt,
}

/// <summary>Sequential reader of a segment file's records, with its own buffer; the file may grow or be deleted meanwhile.</summary>
internal sealed class SegmentReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly int _bufferSize;
    private byte[] _buffer;
    private bool _pooled = true;
    private long _bufferStart;
    private int _bufferLength;

    public SegmentReader(string path, long position, int bufferSize = 256 * 1024)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _bufferSize = bufferSize;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        Position = position;
        _bufferStart = position;
    }

    /// <summary>File offset of the next record.</summary>
    public long Position { get; private set; }

    /// <summary>Offset of the record last returned.</summary>
    public long RecordOffset { get; private set; }

    /// <summary>Append time of the record last returned (Unix ms).</summary>
    public long AppendedUnixMs { get; private set; }

    /// <summary>Payload of the record last returned; valid until the next call.</summary>
    public ReadOnlySpan<byte> Payload => _buffer.AsSpan(_payloadStart, _payloadLength);

    /// <summary>The same as <see cref="Payload"/> as memory (e.g. to send a record too large to copy into a batch); valid until the next call.</summary>
    public ReadOnlyMemory<byte> PayloadMemory => _buffer.AsMemory(_payloadStart, _payloadLength);

    /// <summary>Total size of the record last returned, header included.</summary>
    public int RecordSize => _payloadLength + SegmentFormat.RecordHeaderSize;

    private int _payloadStart;
    private int _payloadLength;

    public long FileLength => RandomAccess.GetLength(_handle);

    /// <summary>Reads the whole 32-byte header.</summary>
    public int ReadHeader(Span<byte> dest) => RandomAccess.Read(_handle, dest[..SegmentFormat.HeaderSize], 0);

    /// <summary>Moves to <paramref name="position"/> (e.g. to give back a record that did not fit a batch).</summary>
    public void Seek(long position) => Position = position;

    /// <summary>Reads the record at <see cref="Position"/> if it ends at or before <paramref name="limit"/>.</summary>
    public ReadStatus Next(long limit)
    {
        if (Position >= limit)
        {
            return ReadStatus.End;
        }
        if (Position + SegmentFormat.RecordHeaderSize > limit)
        {
            return ReadStatus.Torn;
        }
        if (!Fill(Position, SegmentFormat.RecordHeaderSize))
        {
            return ReadStatus.Torn;
        }
        int at = (int)(Position - _bufferStart);
        int length = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(at));
        if (length <= 0 || length > SegmentFormat.MaxPayload)
        {
            return ReadStatus.Corrupt;
        }
        long end = Position + SegmentFormat.RecordHeaderSize + length;
        if (end > limit)
        {
            return ReadStatus.Torn;
        }
        if (!Fill(Position, SegmentFormat.RecordHeaderSize + length))
        {
            return ReadStatus.Torn;
        }
        at = (int)(Position - _bufferStart);
        var record = _buffer.AsSpan(at, SegmentFormat.RecordHeaderSize + length);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) != SegmentFormat.Checksum(record))
        {
            return ReadStatus.Corrupt;
        }
        RecordOffset = Position;
        AppendedUnixMs = BinaryPrimitives.ReadInt64LittleEndian(record[8..]);
        _payloadStart = at + SegmentFormat.RecordHeaderSize;
        _payloadLength = length;
        Position = end;
        return ReadStatus.Record;
    }

    public void Dispose()
    {
        _handle.Dispose();
        var b = _buffer;
        _buffer = [];
        if (b.Length > 0 && _pooled)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    // Makes [position, position+count) available in the buffer; false at end of file.
    private bool Fill(long position, int count)
    {
        if (position >= _bufferStart && position + count <= _bufferStart + _bufferLength)
        {
            return true;
        }
        if (count > _buffer.Length)
        {
            // A record larger than the buffer gets an array of its own, not one from the shared pool, which would keep
            // it for ever: memory follows what is read now, not the largest record ever read.
            if (_pooled)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
            _buffer = GC.AllocateUninitializedArray<byte>(count);
            _pooled = false;
        }
        else if (!_pooled && count <= _bufferSize)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
            _pooled = true;
        }
        _bufferStart = position;
        _bufferLength = 0;
        while (_bufferLength < _buffer.Length)
        {
            int n = RandomAccess.Read(_handle, _buffer.AsSpan(_bufferLength), _bufferStart + _bufferLength);
            if (n <= 0)
            {
                break;
            }
            _bufferLength += n;
            if (_bufferLength >= count)
            {
                break;
            }
        }
        return _bufferLength >= count;
    }
}
