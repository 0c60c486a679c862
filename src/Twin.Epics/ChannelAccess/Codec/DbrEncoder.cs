using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Twin.Epics.ProcessVariables;

namespace Twin.Epics.ChannelAccess.Codec;

/// <summary>
/// Encodes a process variable's value as any DBR value type (0–34), converting from the PV's native type as an EPICS
/// server does (numbers clamped to the target's range, NaN to 0 for integers; an ENUM as its state string when text is
/// asked for; a number as text with the PV's precision). Layouts, big-endian with the padding fields the C structs have
/// (<c>RISC_pad</c>), per EPICS base <c>db_access.h</c>:
/// STS = status i16, severity i16, [pad], value; TIME = status, severity, stamp (u32 s, u32 ns), [pad], value;
/// GR/CTRL = status, severity, [precision i16, pad i16 for FLOAT/DOUBLE], units char[8], limits (upper/lower display,
/// upper alarm, upper warning, lower warning, lower alarm, and for CTRL upper/lower control), [pad for CHAR], value;
/// GR/CTRL ENUM = status, severity, number of states i16, 16 × char[26], value; GR/CTRL STRING = STS STRING.
/// </summary>
public static class DbrEncoder
{
    /// <summary>Bytes of a DBR_STRING element (MAX_STRING_SIZE).</summary>
    public const int StringSize = 40;

    /// <summary>Bytes of the units field (MAX_UNITS_SIZE).</summary>
    public const int UnitsSize = 8;

    /// <summary>Bytes of one enum state string (MAX_ENUM_STRING_SIZE).</summary>
    public const int EnumStringSize = 26;

    /// <summary>Enum state strings in a GR/CTRL ENUM (MAX_ENUM_STATES).</summary>
    public const int EnumStates = 16;

    /// <summary>Bytes before the first element of a DBR type.</summary>
    /// <param name="type">A valid value type number (0–34).</param>
    /// <returns>Bytes.</returns>
    public static int PrefixSize(ushort type)
    {
        var b = DbrTypes.BaseOf(type);
        return DbrTypes.ClassOf(type) switch
        {
            DbrClass.Plain => 0,
            DbrClass.Status => b switch { DbrType.Char => 5, DbrType.Double => 8, _ => 4 },
            DbrClass.Time => b switch { DbrType.Short or DbrType.Enum => 14, DbrType.Char => 15, DbrType.Double => 16, _ => 12 },
            DbrClass.Graphic => GraphicPrefix(b, limits: 6),
            _ => GraphicPrefix(b, limits: 8),
        };
    }

    private static int GraphicPrefix(DbrType b, int limits) => b switch
    {
        DbrType.String => 4,
        DbrType.Enum => 6 + EnumStates * EnumStringSize,
        DbrType.Float or DbrType.Double => 8 + UnitsSize + limits * DbrTypes.ElementSize(b),
        DbrType.Char => 4 + UnitsSize + limits + 1,
        _ => 4 + UnitsSize + limits * DbrTypes.ElementSize(b),
    };

    /// <summary>Bytes of a value of a DBR type and element count, before the 8-byte padding of the payload.</summary>
    /// <param name="type">A valid value type number.</param>
    /// <param name="count">Elements.</param>
    /// <returns>Bytes.</returns>
    public static int Size(ushort type, int count) => PrefixSize(type) + count * DbrTypes.ElementSize(DbrTypes.BaseOf(type));

    /// <summary>Writes a PV's value as a DBR type; elements after the first (a PV here holds one) repeat nothing and are zero.</summary>
    /// <param name="kind">The PV's native type.</param>
    /// <param name="meta">Its metadata.</param>
    /// <param name="v">The value.</param>
    /// <param name="type">Requested DBR type (0–34).</param>
    /// <param name="count">Requested elements (≥ 1).</param>
    /// <param name="destination">At least <see cref="Size"/> bytes, zeroed by the caller.</param>
    /// <returns>Bytes written (<see cref="Size"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The type is not a value type or the count is below 1.</exception>
    public static int Encode(PvKind kind, PvMetadata meta, in PvValue v, ushort type, int count, Span<byte> destination)
    {
        if (!DbrTypes.IsValid(type)) throw new ArgumentOutOfRangeException(nameof(type), type, "not a DBR value type");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var b = DbrTypes.BaseOf(type);
        var cls = DbrTypes.ClassOf(type);
        int size = Size(type, count);
        var d = destination[..size];
        int at = 0;
        if (cls != DbrClass.Plain)
        {
            BinaryPrimitives.WriteInt16BigEndian(d, (short)v.Status);
            BinaryPrimitives.WriteInt16BigEndian(d[2..], (short)v.Severity);
            at = 4;
        }
        if (cls == DbrClass.Time)
        {
            var (s, ns) = EpicsTime.FromUnixNs(v.TimeUnixNs);
            BinaryPrimitives.WriteUInt32BigEndian(d[4..], s);
            BinaryPrimitives.WriteUInt32BigEndian(d[8..], ns);
        }
        if (cls is DbrClass.Graphic or DbrClass.Control && b != DbrType.String) WriteGraphic(meta, b, cls == DbrClass.Control, d[4..]);
        at = PrefixSize(type);
        WriteElement(kind, meta, v, b, d[at..]);
        return size;
    }

    private static void WriteGraphic(PvMetadata meta, DbrType b, bool control, Span<byte> d)
    {
        if (b == DbrType.Enum)
        {
            int n = Math.Min(meta.States.Count, EnumStates);
            BinaryPrimitives.WriteInt16BigEndian(d, (short)n);
            for (int i = 0; i < n; i++) WriteText(meta.States[i], d.Slice(2 + i * EnumStringSize, EnumStringSize));
            return;
        }
        int at = 0;
        if (b is DbrType.Float or DbrType.Double)
        {
            BinaryPrimitives.WriteInt16BigEndian(d, meta.Precision);
            at = 4;
        }
        WriteText(meta.Units, d.Slice(at, UnitsSize));
        at += UnitsSize;
        Span<double> limits = [meta.DisplayHigh, meta.DisplayLow, meta.HiHi, meta.High, meta.Low, meta.LoLo, meta.ControlHigh, meta.ControlLow];
        int size = DbrTypes.ElementSize(b);
        for (int i = 0; i < (control ? 8 : 6); i++, at += size) WriteNumber(limits[i], b, d[at..]);
    }

    private static void WriteElement(PvKind kind, PvMetadata meta, in PvValue v, DbrType b, Span<byte> d)
    {
        if (b == DbrType.String) WriteText(TextOf(kind, meta, v), d[..StringSize]);
        else WriteNumber(NumberOf(kind, v), b, d);
    }

    /// <summary>A value as a number: the number of a DOUBLE/LONG/ENUM PV, the text of a STRING PV parsed (NaN when it is no number).</summary>
    /// <param name="kind">Native type.</param>
    /// <param name="v">Value.</param>
    /// <returns>The number.</returns>
    public static double NumberOf(PvKind kind, in PvValue v) =>
        kind == PvKind.String ? double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : double.NaN : v.Number;

    /// <summary>A value as text: a STRING PV's text, an ENUM's state string (its index when out of range), a number with the PV's precision.</summary>
    /// <param name="kind">Native type.</param>
    /// <param name="meta">Metadata (precision, states).</param>
    /// <param name="v">Value.</param>
    /// <returns>The text.</returns>
    public static string TextOf(PvKind kind, PvMetadata meta, in PvValue v) => kind switch
    {
        PvKind.String => v.Text ?? "",
        PvKind.Enum => v.Number >= 0 && v.Number < meta.States.Count ? meta.States[(int)v.Number] : double.IsNaN(v.Number) ? "" : ((long)v.Number).ToString(CultureInfo.InvariantCulture),
        PvKind.Long => double.IsNaN(v.Number) ? "nan" : ((long)v.Number).ToString(CultureInfo.InvariantCulture),
        _ => double.IsNaN(v.Number) ? "nan" : v.Number.ToString("F" + Math.Clamp((int)meta.Precision, 0, 15), CultureInfo.InvariantCulture),
    };

    private static void WriteNumber(double x, DbrType b, Span<byte> d)
    {
        switch (b)
        {
            case DbrType.Double: BinaryPrimitives.WriteDoubleBigEndian(d, x); break;
            case DbrType.Float: BinaryPrimitives.WriteSingleBigEndian(d, (float)x); break;
            case DbrType.Long: BinaryPrimitives.WriteInt32BigEndian(d, (int)Clamp(x, int.MinValue, int.MaxValue)); break;
            case DbrType.Short: BinaryPrimitives.WriteInt16BigEndian(d, (short)Clamp(x, short.MinValue, short.MaxValue)); break;
            case DbrType.Enum: BinaryPrimitives.WriteUInt16BigEndian(d, (ushort)Clamp(x, 0, ushort.MaxValue)); break;
            case DbrType.Char: d[0] = (byte)Clamp(x, 0, byte.MaxValue); break;
        }
    }

    private static double Clamp(double x, double lo, double hi) => double.IsNaN(x) ? 0 : Math.Round(Math.Clamp(x, lo, hi));

    /// <summary>Writes ASCII text into a fixed field, truncated to leave a terminating zero; other characters become '?'.</summary>
    /// <param name="text">Text.</param>
    /// <param name="field">The field (zeroed by the caller).</param>
    public static void WriteText(string text, Span<byte> field)
    {
        int n = Math.Min(text.Length, field.Length - 1);
        for (int i = 0; i < n; i++) field[i] = text[i] is >= ' ' and <= '~' ? (byte)text[i] : (byte)'?';
    }

    /// <summary>Reads a zero-terminated ASCII text from a field (up to the first zero or the field's end).</summary>
    /// <param name="field">Bytes.</param>
    /// <returns>The text.</returns>
    public static string ReadText(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field[..end]);
    }
}
