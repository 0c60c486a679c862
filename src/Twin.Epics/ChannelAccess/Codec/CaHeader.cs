using System.Buffers.Binary;

namespace Twin.Epics.ChannelAccess.Codec;

/// <summary>
/// A Channel Access message header (Channel Access protocol specification, "Message header"): 16 bytes, big-endian —
/// command (u16), payload size (u16), data type (u16), data count (u16), parameter 1 (u32), parameter 2 (u32). When
/// the payload is 0xFFFF bytes or more, or the count 0x10000 or more, the extended form is used: payload size 0xFFFF and
/// count 0 in the standard fields, followed by the payload size (u32) and count (u32), 24 bytes in all. The payload
/// that follows is padded to a multiple of 8 bytes.
/// </summary>
/// <param name="Command">Command number (<see cref="CaCommand"/>; unknown numbers are kept as they came).</param>
/// <param name="PayloadSize">Payload bytes after the header (padding included).</param>
/// <param name="DataType">Data type field (a DBR type for data messages; other meanings per command).</param>
/// <param name="DataCount">Element count (other meanings per command).</param>
/// <param name="Parameter1">First parameter (channel id, status, …).</param>
/// <param name="Parameter2">Second parameter (channel id, request id, …).</param>
public readonly record struct CaHeader(ushort Command, uint PayloadSize, ushort DataType, uint DataCount, uint Parameter1, uint Parameter2)
{
    /// <summary>Bytes of the standard header.</summary>
    public const int Size = 16;

    /// <summary>Bytes of the extended header.</summary>
    public const int ExtendedSize = 24;

    /// <summary>Creates a header for a known command.</summary>
    /// <param name="command">Command.</param>
    /// <param name="payloadSize">Payload bytes (padded).</param>
    /// <param name="dataType">Data type field.</param>
    /// <param name="dataCount">Count field.</param>
    /// <param name="p1">Parameter 1.</param>
    /// <param name="p2">Parameter 2.</param>
    /// <returns>The header.</returns>
    public static CaHeader Of(CaCommand command, uint payloadSize = 0, ushort dataType = 0, uint dataCount = 0, uint p1 = 0, uint p2 = 0) =>
        new((ushort)command, payloadSize, dataType, dataCount, p1, p2);

    /// <summary>The command, when it is one this code knows by name.</summary>
    public CaCommand Kind => (CaCommand)Command;

    /// <summary>True when this header needs the extended (24-byte) form.</summary>
    public bool IsExtended => PayloadSize >= 0xFFFF || DataCount > 0xFFFF;

    /// <summary>Bytes this header takes on the wire.</summary>
    public int EncodedSize => IsExtended ? ExtendedSize : Size;

    /// <summary>Writes the header.</summary>
    /// <param name="destination">At least <see cref="EncodedSize"/> bytes.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public int WriteTo(Span<byte> destination)
    {
        if (destination.Length < EncodedSize) throw new ArgumentException($"a CA header needs {EncodedSize} bytes, the buffer has {destination.Length}", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, Command);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], DataType);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Parameter1);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Parameter2);
        if (!IsExtended)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)PayloadSize);
            BinaryPrimitives.WriteUInt16BigEndian(destination[6..], (ushort)DataCount);
            return Size;
        }
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 0xFFFF);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], PayloadSize);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DataCount);
        return ExtendedSize;
    }

    /// <summary>Reads a header from the start of a buffer.</summary>
    /// <param name="source">Received bytes.</param>
    /// <param name="header">The header, when complete.</param>
    /// <param name="length">Its length on the wire (16 or 24), when complete.</param>
    /// <returns>False when the buffer does not hold the whole header yet.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out CaHeader header, out int length)
    {
        header = default;
        length = 0;
        if (source.Length < Size) return false;
        ushort command = BinaryPrimitives.ReadUInt16BigEndian(source);
        uint payload = BinaryPrimitives.ReadUInt16BigEndian(source[2..]);
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(source[4..]);
        uint count = BinaryPrimitives.ReadUInt16BigEndian(source[6..]);
        uint p1 = BinaryPrimitives.ReadUInt32BigEndian(source[8..]);
        uint p2 = BinaryPrimitives.ReadUInt32BigEndian(source[12..]);
        length = Size;
        if (payload == 0xFFFF && count == 0)
        {
            if (source.Length < ExtendedSize) return false;
            payload = BinaryPrimitives.ReadUInt32BigEndian(source[16..]);
            count = BinaryPrimitives.ReadUInt32BigEndian(source[20..]);
            length = ExtendedSize;
        }
        header = new CaHeader(command, payload, type, count, p1, p2);
        return true;
    }

    /// <summary>A size rounded up to the protocol's 8-byte alignment.</summary>
    /// <param name="size">Bytes.</param>
    /// <returns>The padded size.</returns>
    public static int Padded(int size) => (size + 7) & ~7;
}
