using System.Globalization;
using System.Text;
using Twin.Core.Cells;
using Twin.Core.Safety;

namespace Twin.Data.Export;

/// <summary>
/// Writes <c>samples.csv</c>: one row per input sample with exactly the columns of <see cref="Header"/>.
/// Numbers use the invariant culture and the shortest text that round-trips the double exactly; a number that is
/// missing or not finite is an empty field. Current and charge are positive on charge. Streams with a fixed buffer: constant memory, no allocation per row.
/// </summary>
public sealed class SamplesCsvWriter : IDisposable
{
    /// <summary>The header row.</summary>
    public const string Header = "time_s,voltage_V,current_A,charge_Ah,c_li,a_A,c_A,d_il_A,d_tm_A,eps_a,eps_c,eps_aniso,zone,cycle,step,c_li_sigma,c_li_counted,c_li_low";

    private static readonly byte[][] s_zoneNames =
        [.. Enum.GetValues<Zone>().Select(z => Encoding.ASCII.GetBytes(z.Name()))];

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;

    /// <summary>Starts a file and writes the header.</summary>
    /// <param name="stream">Destination, written from its current position.</param>
    /// <param name="ownsStream">Dispose the stream with the writer.</param>
    public SamplesCsvWriter(Stream stream, bool ownsStream = true)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Encoding.ASCII.GetBytes(Header + "\n", _buffer);
        _used = Header.Length + 1;
    }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Appends one row.</summary>
    /// <param name="o">The twin's output for the sample.</param>
    public void Write(in TwinOutput o)
    {
        if (_buffer.Length - _used < 1024) FlushBuffer();
        var span = _buffer.AsSpan();
        Num(span, o.TimeS); Comma(span);
        Num(span, o.VoltageV); Comma(span);
        Num(span, o.CurrentA); Comma(span);
        Num(span, o.ChargeAh); Comma(span);
        Num(span, o.CLi); Comma(span);
        Num(span, o.AA); Comma(span);
        Num(span, o.CA); Comma(span);
        Num(span, o.DIlA); Comma(span);
        Num(span, o.DTmA); Comma(span);
        Num(span, o.EpsA); Comma(span);
        Num(span, o.EpsC); Comma(span);
        Num(span, o.EpsAniso); Comma(span);
        var zone = s_zoneNames[(int)o.Zone];
        zone.CopyTo(span[_used..]);
        _used += zone.Length;
        Comma(span);
        o.Cycle.TryFormat(span[_used..], out int n, default, CultureInfo.InvariantCulture);
        _used += n;
        Comma(span);
        o.Step.TryFormat(span[_used..], out n, default, CultureInfo.InvariantCulture);
        _used += n;
        Comma(span);
        Num(span, o.CLiSigma); Comma(span);
        Num(span, o.CLiCounted); Comma(span);
        Num(span, o.CLiLowerBound);
        span[_used++] = (byte)'\n';
        Rows++;
    }

    /// <summary>Writes buffered rows to the stream and flushes it.</summary>
    public void Flush()
    {
        FlushBuffer();
        _stream.Flush();
    }

    /// <summary>Flushes and, if owned, closes the stream.</summary>
    public void Dispose()
    {
        Flush();
        if (_ownsStream) _stream.Dispose();
    }

    private void Num(Span<byte> span, double v)
    {
        if (!double.IsFinite(v)) return; // missing (NaN) or impossible (±∞): an empty field, never "NaN" or "Infinity"
        v.TryFormat(span[_used..], out int n, "R", CultureInfo.InvariantCulture);
        _used += n;
    }

    private void Comma(Span<byte> span) => span[_used++] = (byte)',';

    private void FlushBuffer()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}
