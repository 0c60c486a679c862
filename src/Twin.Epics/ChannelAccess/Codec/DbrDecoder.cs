using System.Buffers.Binary;
using System.Globalization;

namespace Twin.Epics.ChannelAccess.Codec;

/// <summary>Decodes the value of a client's write: the first element of a plain DBR type (what <c>ca_put</c> sends).</summary>
public static class DbrDecoder
{
    /// <summary>Reads the first element of a plain-type payload.</summary>
    /// <param name="type">The header's data type.</param>
    /// <param name="count">The header's element count.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="number">The value as a number (NaN for text that is not a number).</param>
    /// <param name="text">The value as text.</param>
    /// <returns><see cref="CaStatus.Normal"/>, <see cref="CaStatus.BadType"/> (not a plain type) or <see cref="CaStatus.BadCount"/>
    /// (no element, or a payload shorter than the count says).</returns>
    public static CaStatus TryDecode(ushort type, uint count, ReadOnlySpan<byte> payload, out double number, out string text)
    {
        number = double.NaN;
        text = "";
        if (!DbrTypes.IsValid(type) || DbrTypes.ClassOf(type) != DbrClass.Plain) return CaStatus.BadType;
        var b = DbrTypes.BaseOf(type);
        int size = DbrTypes.ElementSize(b);
        if (count < 1 || (long)count * size > payload.Length) return CaStatus.BadCount;
        switch (b)
        {
            case DbrType.String:
                text = DbrEncoder.ReadText(payload[..size]);
                number = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : double.NaN;
                return CaStatus.Normal;
            case DbrType.Double: number = BinaryPrimitives.ReadDoubleBigEndian(payload); break;
            case DbrType.Float: number = BinaryPrimitives.ReadSingleBigEndian(payload); break;
            case DbrType.Long: number = BinaryPrimitives.ReadInt32BigEndian(payload); break;
            case DbrType.Short: number = BinaryPrimitives.ReadInt16BigEndian(payload); break;
            case DbrType.Enum: number = BinaryPrimitives.ReadUInt16BigEndian(payload); break;
            case DbrType.Char: number = payload[0]; break;
        }
        text = number.ToString(CultureInfo.InvariantCulture);
        return CaStatus.Normal;
    }
}
