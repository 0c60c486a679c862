using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Twin.Messaging.Mqtt.Codec;

/// <summary>Writes MQTT data representations (MQTT 5.0 §1.5) to a buffer writer.</summary>
internal static class MqttBufferWriter
{
    /// <summary>Strict UTF-8: lone surrogates throw instead of being replaced.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Largest value a Variable Byte Integer holds (MQTT 5.0 §1.5.5).</summary>
    public const int MaxVariableByteInteger = 268_435_455;

    /// <summary>Writes one byte.</summary>
    public static void WriteByte(this IBufferWriter<byte> w, byte value)
    {
        w.GetSpan(1)[0] = value;
        w.Advance(1);
    }

    /// <summary>Writes a Two Byte Integer.</summary>
    public static void WriteUInt16(this IBufferWriter<byte> w, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(w.GetSpan(2), value);
        w.Advance(2);
    }

    /// <summary>Writes a Four Byte Integer.</summary>
    public static void WriteUInt32(this IBufferWriter<byte> w, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(w.GetSpan(4), value);
        w.Advance(4);
    }

    /// <summary>Number of bytes of a Variable Byte Integer.</summary>
    public static int VariableByteIntegerSize(int value) =>
        value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;

    /// <summary>Writes a Variable Byte Integer (MQTT 5.0 §1.5.5).</summary>
    public static void WriteVariableByteInteger(this IBufferWriter<byte> w, int value)
    {
        if ((uint)value > MaxVariableByteInteger)
            throw new ArgumentOutOfRangeException(nameof(value), value, "exceeds the Variable Byte Integer range");
        var span = w.GetSpan(4);
        int n = 0;
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0) b |= 0x80;
            span[n++] = b;
        } while (value > 0);
        w.Advance(n);
    }

    /// <summary>Writes Binary Data (two-byte length, bytes).</summary>
    public static void WriteBinary(this IBufferWriter<byte> w, ReadOnlySpan<byte> data)
    {
        if (data.Length > ushort.MaxValue)
            throw new ArgumentException("binary data is longer than 65535 bytes");
        w.WriteUInt16((ushort)data.Length);
        w.Write(data);
    }

    /// <summary>Writes a UTF-8 Encoded String; the caller validated it (see <see cref="Utf8Size"/>).</summary>
    public static void WriteString(this IBufferWriter<byte> w, string value)
    {
        int n = StrictUtf8.GetByteCount(value);
        w.WriteUInt16((ushort)n);
        var span = w.GetSpan(n);
        StrictUtf8.GetBytes(value, span);
        w.Advance(n);
    }

    /// <summary>Encoded size of a string including its two-byte length.</summary>
    public static int StringSize(string value) => 2 + StrictUtf8.GetByteCount(value);

    /// <summary>
    /// Validates a string for MQTT (MQTT 5.0 §1.5.4): well-formed (no lone surrogates), no U+0000, at most 65535
    /// bytes of UTF-8. Returns its UTF-8 length.
    /// </summary>
    /// <exception cref="ArgumentException">The string is not allowed.</exception>
    public static int Utf8Size(string value, string what)
    {
        if (value.Contains('\0'))
            throw new ArgumentException($"{what} contains U+0000, which MQTT forbids (MQTT 5.0 §1.5.4)");
        int n;
        try { n = StrictUtf8.GetByteCount(value); }
        catch (EncoderFallbackException) { throw new ArgumentException($"{what} is not well-formed UTF-16 (lone surrogate), MQTT 5.0 §1.5.4"); }
        if (n > ushort.MaxValue)
            throw new ArgumentException($"{what} is {n} bytes of UTF-8; MQTT allows at most 65535 (MQTT 5.0 §1.5.4)");
        return n;
    }
}
