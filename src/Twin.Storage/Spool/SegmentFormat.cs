using System.Buffers.Binary;
using System.Globalization;
using Twin.Storage.Internal;
using Twin.Storage.LineProtocol;

namespace Twin.Storage.Spool;

/// <summary>
/// On-disk layout of spool segment files (<c>{id:D16}.seg</c>), little-endian:
/// a 32-byte header <c>"TWINSPL1" | u32 version | u8 precision | 3 reserved | u64 segment id | 4 reserved | u32 CRC-32C of bytes 0–27</c>,
/// then records <c>u32 payload length | u32 CRC-32C | i64 appended (Unix ms) | payload</c>, where the CRC covers the
/// length, the time and the payload, and the payload is one line of line protocol ending in <c>\n</c>.
/// </summary>
internal static class SegmentFormat
{
    public const int HeaderSize = 32;
    public const int RecordHeaderSize = 16;
    public const int MaxPayload = 16 * 1024 * 1024;
    public const string Extension = ".seg";
    private const uint Version = 1;
    private static ReadOnlySpan<byte> Magic => "TWINSPL1"u8;

    public static string FileName(long id) => id.ToString("D16", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFileName(string path, out long id)
    {
        string name = Path.GetFileName(path);
        id = 0;
        return name.Length == 16 + Extension.Length && name.EndsWith(Extension, StringComparison.Ordinal) &&
               long.TryParse(name.AsSpan(0, 16), NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    public static void WriteHeader(Span<byte> dest, long id, TimestampPrecision precision)
    {
        dest[..HeaderSize].Clear();
        Magic.CopyTo(dest);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[8..], Version);
        dest[12] = (byte)precision;
        BinaryPrimitives.WriteInt64LittleEndian(dest[16..], id);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[28..], Crc32C.Compute(dest[..28]));
    }

    public static bool TryReadHeader(ReadOnlySpan<byte> src, out long id, out TimestampPrecision precision)
    {
        id = 0;
        precision = TimestampPrecision.Nanoseconds;
        if (src.Length < HeaderSize || !src[..8].SequenceEqual(Magic) ||
            BinaryPrimitives.ReadUInt32LittleEndian(src[28..]) != Crc32C.Compute(src[..28]) ||
            BinaryPrimitives.ReadUInt32LittleEndian(src[8..]) != Version || src[12] > (byte)TimestampPrecision.Seconds)
        {
            return false;
        }
        precision = (TimestampPrecision)src[12];
        id = BinaryPrimitives.ReadInt64LittleEndian(src[16..]);
        return true;
    }

    /// <summary>Fills the 16-byte record header in front of a payload already in place.</summary>
    public static void SealRecord(Span<byte> record, long appendedUnixMs)
    {
        int payload = record.Length - RecordHeaderSize;
        BinaryPrimitives.WriteInt32LittleEndian(record, payload);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], appendedUnixMs);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Checksum(record));
    }

    public static uint Checksum(ReadOnlySpan<byte> record)
    {
        uint crc = Crc32C.Append(Crc32C.Seed, record[..4]);
        crc = Crc32C.Append(crc, record[8..]);
        return Crc32C.Finish(crc);
    }
}
