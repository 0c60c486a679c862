using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Twin.Drivers.Scpi;

/// <summary>The link ended (end of stream) while a reply was awaited.</summary>
internal sealed class LinkClosedException(string endpoint) : IOException($"{endpoint}: the instrument closed the link");

/// <summary>
/// Reads SCPI replies from a <see cref="PipeReader"/> over the transport stream: text lines (validated as printable
/// ASCII, tab allowed) and IEEE 488.2 arbitrary blocks (definite <c>#&lt;n&gt;&lt;len&gt;&lt;bytes&gt;</c>, indefinite <c>#0…</c>).
/// </summary>
internal sealed class ScpiReplyReader
{
    private const long MaxLineBytes = 1 << 20;
    private const long MaxBlockBytes = 256L << 20;
    private readonly PipeReader _reader;
    private readonly string _endpoint;
    private readonly byte[] _terminator;
    private readonly bool _dropCr;

    public ScpiReplyReader(Stream stream, string endpoint, string terminator)
    {
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        _endpoint = endpoint;
        _terminator = Encoding.ASCII.GetBytes(terminator);
        _dropCr = terminator == "\n";
    }

    /// <summary>Reads one reply line and checks it is printable ASCII.</summary>
    /// <exception cref="ScpiProtocolException">A byte outside 0x20–0x7E (tab allowed); buffered input is discarded.</exception>
    /// <exception cref="LinkClosedException">End of stream.</exception>
    public async ValueTask<string> ReadLineAsync(string command, CancellationToken ct)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryTakeLine(ref buffer, out var line))
            {
                string? text = Decode(line, out int badOffset, out byte badByte);
                _reader.AdvanceTo(buffer.Start);
                if (text is null)
                {
                    DiscardBuffered();
                    throw new ScpiProtocolException(_endpoint, command,
                        $"malformed reply to '{command}': byte 0x{badByte:X2} at offset {badOffset} is not printable ASCII");
                }
                return text;
            }
            if (buffer.Length > MaxLineBytes)
            {
                _reader.AdvanceTo(buffer.End);
                throw new ScpiProtocolException(_endpoint, command, $"reply to '{command}' exceeds {MaxLineBytes} bytes without a terminator");
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new LinkClosedException(_endpoint);
        }
    }

    /// <summary>Reads lines without validation until one equals <paramref name="marker"/> (used to resynchronise).</summary>
    /// <returns>How many other lines were discarded.</returns>
    public async ValueTask<int> SkipUntilLineAsync(byte[] marker, CancellationToken ct)
    {
        int skipped = 0;
        while (true)
        {
            var result = await _reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            while (TryTakeLine(ref buffer, out var line))
            {
                if (_dropCr && line.Length > 0 && EndsWithCr(line)) line = line.Slice(0, line.Length - 1);
                if (line.Length == marker.Length && SequenceEquals(line, marker))
                {
                    _reader.AdvanceTo(buffer.Start);
                    return skipped;
                }
                skipped++;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new LinkClosedException(_endpoint);
        }
    }

    /// <summary>Reads an IEEE 488.2 arbitrary block and its terminator.</summary>
    /// <exception cref="ScpiProtocolException">Bad header, oversized block, or no terminator after the data.</exception>
    /// <exception cref="LinkClosedException">End of stream.</exception>
    public async ValueTask<byte[]> ReadBlockAsync(string command, CancellationToken ct)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            var state = TryTakeBlock(ref buffer, command, out byte[]? data);
            if (state == BlockState.Done)
            {
                _reader.AdvanceTo(buffer.Start);
                return data!;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new LinkClosedException(_endpoint);
        }
    }

    private enum BlockState { NeedMore, Done }

    private BlockState TryTakeBlock(ref ReadOnlySequence<byte> buffer, string command, out byte[]? data)
    {
        data = null;
        if (buffer.Length < 2) return BlockState.NeedMore;
        Span<byte> head = stackalloc byte[11];
        buffer.Slice(0, Math.Min(buffer.Length, 11)).CopyTo(head);
        if (head[0] != (byte)'#') throw BadBlock(buffer, command, $"a binary block must start with '#', got byte 0x{head[0]:X2}");
        if (head[1] is < (byte)'0' or > (byte)'9') throw BadBlock(buffer, command, $"a binary block header needs a digit after '#', got byte 0x{head[1]:X2}");
        int digits = head[1] - '0';
        if (digits == 0)
        {
            var rest = buffer.Slice(2);
            if (!TryTakeLine(ref rest, out var payload)) return BlockState.NeedMore;
            data = payload.ToArray();
            buffer = rest;
            return BlockState.Done;
        }
        if (buffer.Length < 2 + digits) return BlockState.NeedMore;
        long length = 0;
        for (int i = 0; i < digits; i++)
        {
            byte d = head[2 + i];
            if (d is < (byte)'0' or > (byte)'9') throw BadBlock(buffer, command, $"binary block length digit {i + 1} of {digits} is byte 0x{d:X2}, not a digit");
            length = length * 10 + (d - '0');
        }
        if (length > MaxBlockBytes) throw BadBlock(buffer, command, $"binary block of {length} bytes exceeds the {MaxBlockBytes}-byte limit");
        long start = 2 + digits;
        long needed = start + length + _terminator.Length;
        if (buffer.Length < needed) return BlockState.NeedMore;
        var tail = buffer.Slice(start + length);
        if (_dropCr && tail.FirstSpan[0] == (byte)'\r')
        {
            if (tail.Length < 2) return BlockState.NeedMore;
            tail = tail.Slice(1);
        }
        if (!SequenceStartsWith(tail, _terminator)) throw BadBlock(buffer, command, $"binary block of {length} bytes is not followed by the reply terminator");
        data = buffer.Slice(start, length).ToArray();
        buffer = tail.Slice(_terminator.Length);
        return BlockState.Done;
    }

    private ScpiProtocolException BadBlock(ReadOnlySequence<byte> buffer, string command, string what)
    {
        _reader.AdvanceTo(buffer.End);
        DiscardBuffered();
        return new ScpiProtocolException(_endpoint, command, $"malformed reply to '{command}': {what}");
    }

    /// <summary>Drops whatever input is already buffered (not what is still on the way).</summary>
    public void DiscardBuffered()
    {
        try
        {
            if (_reader.TryRead(out var result)) _reader.AdvanceTo(result.Buffer.End);
        }
        catch (InvalidOperationException)
        {
            // a read is in progress or the reader is completed: nothing to drop
        }
    }

    public void Complete() => _reader.Complete();

    private bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var r = new SequenceReader<byte>(buffer);
        bool found = _terminator.Length == 1 ? r.TryReadTo(out line, _terminator[0]) : r.TryReadTo(out line, _terminator);
        if (found) buffer = buffer.Slice(r.Position);
        return found;
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> line) => line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';

    private string? Decode(ReadOnlySequence<byte> line, out int badOffset, out byte badByte)
    {
        if (_dropCr && line.Length > 0 && EndsWithCr(line)) line = line.Slice(0, line.Length - 1);
        int offset = 0;
        foreach (var segment in line)
        {
            var span = segment.Span;
            for (int i = 0; i < span.Length; i++)
            {
                byte b = span[i];
                if (b is (< 0x20 and not 0x09) or > 0x7E)
                {
                    badOffset = offset + i;
                    badByte = b;
                    return null;
                }
            }
            offset += span.Length;
        }
        badOffset = -1;
        badByte = 0;
        return line.IsSingleSegment ? Encoding.ASCII.GetString(line.FirstSpan) : Encoding.ASCII.GetString(line.ToArray());
    }

    private static bool SequenceEquals(ReadOnlySequence<byte> a, byte[] b) =>
        a.IsSingleSegment ? a.FirstSpan.SequenceEqual(b) : a.ToArray().AsSpan().SequenceEqual(b);

    private static bool SequenceStartsWith(ReadOnlySequence<byte> a, byte[] prefix)
    {
        if (a.Length < prefix.Length) return false;
        var head = a.Slice(0, prefix.Length);
        return SequenceEquals(head, prefix);
    }
}
