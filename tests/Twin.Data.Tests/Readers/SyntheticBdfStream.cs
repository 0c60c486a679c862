using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Twin.Data.Tests.Readers;

/// <summary>
/// A forward-only stream producing a BDF file of <c>rowCount</c> rows on the fly: a header, then rows
/// cycling through charge, rest and discharge steps. Nothing but one small row buffer is ever held.
/// </summary>
internal sealed class SyntheticBdfStream(long rowCount) : Stream
{
    private static readonly byte[] Header =
        "Test Time / s,Current / A,Voltage / V,Step Type / 1,Cycle Count / 1,Step Index / 1,Charge Capacity / Ah,Discharge Capacity / Ah,Remark / 1\n"u8.ToArray();

    private readonly byte[] _row = new byte[256];
    private int _rowLength;
    private int _rowPosition;
    private long _nextRow = -1; // -1: the header

    public long BytesProduced { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesProduced;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length)
        {
            if (_rowPosition == _rowLength && !NextRow())
            {
                break;
            }

            int n = Math.Min(buffer.Length - written, _rowLength - _rowPosition);
            _row.AsSpan(_rowPosition, n).CopyTo(buffer[written..]);
            _rowPosition += n;
            written += n;
        }

        BytesProduced += written;
        return written;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private bool NextRow()
    {
        if (_nextRow == -1)
        {
            Header.CopyTo(_row, 0);
            _rowLength = Header.Length;
            _rowPosition = 0;
            _nextRow = 0;
            return true;
        }

        if (_nextRow >= rowCount)
        {
            return false;
        }

        // Only the time and the cycle number are formatted per row; the rest of a row depends on its
        // place in the cycle and is formatted once.
        long i = _nextRow++;
        int phase = (int)(i % RowsPerCycle);
        long cycle = (i / RowsPerCycle) + 1;
        Span<byte> row = _row;
        int p = FormatInteger(i * 10, row);
        byte[] middle = Middles[phase];
        middle.CopyTo(row[p..]);
        p += middle.Length;
        p += FormatInteger(cycle, row[p..]);
        byte[] tail = Tails[phase];
        tail.CopyTo(row[p..]);
        _rowLength = p + tail.Length;
        _rowPosition = 0;
        return true;
    }

    private const int RowsPerCycle = 300; // 100 rows each of charge, rest, discharge, 10 s apart

    private static readonly byte[][] Middles = BuildParts(middle: true);

    private static readonly byte[][] Tails = BuildParts(middle: false);

    /// <summary>The cells after the time up to the cycle (middle) and after the cycle (tail) of each row of a cycle.</summary>
    private static byte[][] BuildParts(bool middle)
    {
        var parts = new byte[RowsPerCycle][];
        for (int phase = 0; phase < RowsPerCycle; phase++)
        {
            int step = (phase / 100) + 1;
            int inStep = phase % 100;
            double current = step switch { 1 => 0.5, 2 => 0, _ => -0.5 };
            double voltage = 3.6 + (step == 1 ? inStep * 0.005 : -inStep * 0.005);
            double capacity = step == 2 ? 0 : inStep * 0.5 * 10 / 3600;
            string type = step switch { 1 => "charge", 2 => "rest", _ => "discharge" };
            string text = middle
                ? string.Create(CultureInfo.InvariantCulture, $",{current:R},{voltage:R},{type},")
                : string.Create(CultureInfo.InvariantCulture, $",{step},{(step == 1 ? capacity : 0):R},{(step == 3 ? capacity : 0):R},\"synthetic, generated\"\n");
            parts[phase] = Encoding.UTF8.GetBytes(text);
        }

        return parts;
    }

    private static int FormatInteger(long value, Span<byte> destination) =>
        Utf8Formatter.TryFormat(value, destination, out int written) ? written : throw new InvalidOperationException();
}
