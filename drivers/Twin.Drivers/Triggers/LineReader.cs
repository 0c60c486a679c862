using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Twin.Drivers.Triggers;

/// <summary>Reads LF-terminated ASCII lines from a stream through a <see cref="PipeReader"/> (a preceding CR is dropped).</summary>
internal sealed class LineReader
{
    private readonly PipeReader _reader;
    private readonly int _maxLength;

    public LineReader(Stream stream, int maxLength)
    {
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _maxLength = maxLength;
    }

    /// <summary>Reads the next line; null when the stream ended.</summary>
    /// <exception cref="InvalidDataException">A line is longer than the limit.</exception>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition? lf = buffer.PositionOf((byte)'\n');
            if (lf is not null)
            {
                var lineBytes = buffer.Slice(0, lf.Value);
                string line = Encoding.ASCII.GetString(lineBytes);
                _reader.AdvanceTo(buffer.GetPosition(1, lf.Value));
                return line.EndsWith('\r') ? line[..^1] : line;
            }
            if (buffer.Length > _maxLength)
            {
                _reader.AdvanceTo(buffer.End);
                throw new InvalidDataException($"line longer than {_maxLength} bytes without a line feed");
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                _reader.AdvanceTo(buffer.End);
                return null;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Completes the reader (the stream stays open).</summary>
    public ValueTask CompleteAsync() => _reader.CompleteAsync();
}
