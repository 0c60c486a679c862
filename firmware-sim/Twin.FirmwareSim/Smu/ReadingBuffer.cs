using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Twin.FirmwareSim.Smu;

/// <summary>One stored measurement of a reading buffer.</summary>
/// <param name="Reading">Measured value of the sense function (V or A).</param>
/// <param name="Source">Source value: the measured readback, or the programmed level when readback is off (A or V).</param>
/// <param name="UnixNs">Simulated time of the measurement, ns since the Unix epoch.</param>
public readonly record struct BufferedReading(double Reading, double Source, long UnixNs);

/// <summary>Buffer elements of the Keithley 2450 (reference manual 2450-901-01, :TRACe:DATA? / :READ?) that the simulator supports.</summary>
public enum BufferElement
{
    /// <summary>READing: the measurement of the sense function.</summary>
    Reading,
    /// <summary>SOURce: the source value (readback if enabled).</summary>
    Source,
    /// <summary>SEConds: integer UTC seconds of the measurement.</summary>
    Seconds,
    /// <summary>FRACtional: fractional seconds of the measurement.</summary>
    Fractional,
    /// <summary>RELative: seconds since the first reading in the buffer.</summary>
    Relative,
}

/// <summary>A bounded reading buffer (defbuffer1): oldest readings dropped when full. Not thread-safe.</summary>
public sealed class ReadingBuffer
{
    private readonly BufferedReading[] _ring;
    private int _start;
    private int _count;

    /// <summary>Creates an empty buffer.</summary>
    /// <param name="capacity">Readings kept (≥ 1); the 2450's defbuffer1 default is 100 000.</param>
    public ReadingBuffer(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new BufferedReading[capacity];
    }

    /// <summary>Readings stored (:TRACe:ACTual?).</summary>
    public int Count => _count;

    /// <summary>Appends a reading.</summary>
    /// <param name="reading">The reading.</param>
    public void Add(BufferedReading reading)
    {
        if (_count == _ring.Length)
        {
            _ring[_start] = reading;
            _start = (_start + 1) % _ring.Length;
        }
        else
        {
            _ring[(_start + _count) % _ring.Length] = reading;
            _count++;
        }
    }

    /// <summary>Reading number <paramref name="index"/> (1-based).</summary>
    /// <param name="index">1 … <see cref="Count"/>.</param>
    public BufferedReading this[int index] => _ring[(_start + index - 1) % _ring.Length];

    /// <summary>Removes every reading (:TRACe:CLEar).</summary>
    public void Clear()
    {
        _start = 0;
        _count = 0;
    }

    /// <summary>Value of one element of a reading, as a number.</summary>
    /// <param name="r">The reading.</param>
    /// <param name="element">The element.</param>
    /// <returns>The value (seconds for time elements).</returns>
    public double Value(in BufferedReading r, BufferElement element) => element switch
    {
        BufferElement.Reading => r.Reading,
        BufferElement.Source => r.Source,
        BufferElement.Seconds => Math.Floor(r.UnixNs / 1e9),
        BufferElement.Fractional => (r.UnixNs - (long)Math.Floor(r.UnixNs / 1e9) * 1_000_000_000L) / 1e9,
        _ => _count == 0 ? 0 : (r.UnixNs - this[1].UnixNs) / 1e9,
    };

    /// <summary>ASCII form of one element: NR3 for values, integer seconds, 9-digit fraction.</summary>
    /// <param name="r">The reading.</param>
    /// <param name="element">The element.</param>
    /// <returns>The text.</returns>
    public string Format(in BufferedReading r, BufferElement element)
    {
        double v = Value(r, element);
        return element switch
        {
            BufferElement.Seconds => ((long)v).ToString(CultureInfo.InvariantCulture),
            BufferElement.Fractional => v.ToString("0.000000000", CultureInfo.InvariantCulture),
            _ => (v + 0.0).ToString("+0.000000000E+00;-0.000000000E+00", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Parses an element name (short or long form, case-insensitive).</summary>
    /// <param name="text">e.g. <c>READ</c>, <c>source</c>, <c>SEConds</c>.</param>
    /// <param name="element">The element.</param>
    /// <returns>Whether the name is a supported element.</returns>
    public static bool TryParseElement(string text, out BufferElement element)
    {
        string t = text.Trim().ToUpperInvariant();
        (element, bool ok) = t switch
        {
            "READ" or "READING" => (BufferElement.Reading, true),
            "SOUR" or "SOURCE" => (BufferElement.Source, true),
            "SEC" or "SECONDS" => (BufferElement.Seconds, true),
            "FRAC" or "FRACTIONAL" => (BufferElement.Fractional, true),
            "REL" or "RELATIVE" => (BufferElement.Relative, true),
            _ => (BufferElement.Reading, false),
        };
        return ok;
    }

    /// <summary>Builds an IEEE 488.2 definite-length block of IEEE-754 values (no terminator).</summary>
    /// <param name="values">The values.</param>
    /// <param name="single">4-byte floats (SREal) instead of 8-byte doubles (REAL).</param>
    /// <param name="swapped">Little-endian (FORM:BORD SWAP) instead of big-endian (NORM).</param>
    /// <returns><c>#&lt;n&gt;&lt;len&gt;&lt;bytes&gt;</c>.</returns>
    public static byte[] BinaryBlock(IReadOnlyList<double> values, bool single, bool swapped)
    {
        int size = single ? 4 : 8;
        int length = values.Count * size;
        string len = length.ToString(CultureInfo.InvariantCulture);
        byte[] header = Encoding.ASCII.GetBytes($"#{len.Length}{len}");
        byte[] block = new byte[header.Length + length];
        header.CopyTo(block, 0);
        var data = block.AsSpan(header.Length);
        for (int i = 0; i < values.Count; i++)
        {
            var slot = data.Slice(i * size, size);
            if (single)
            {
                if (swapped) BinaryPrimitives.WriteSingleLittleEndian(slot, (float)values[i]);
                else BinaryPrimitives.WriteSingleBigEndian(slot, (float)values[i]);
            }
            else if (swapped) BinaryPrimitives.WriteDoubleLittleEndian(slot, values[i]);
            else BinaryPrimitives.WriteDoubleBigEndian(slot, values[i]);
        }
        return block;
    }
}
