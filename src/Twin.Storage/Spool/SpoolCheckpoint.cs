using System.Buffers.Binary;
using Twin.Storage.Internal;

namespace Twin.Storage.Spool;

/// <summary>
/// The confirmed position — the first record the database has not confirmed — persisted in <c>checkpoint</c>:
/// <c>"TWINCKP1" | i64 segment id | i64 offset | u32 CRC-32C</c>, replaced atomically (temp file, fsync, rename).
/// </summary>
internal static class SpoolCheckpoint
{
    public const string FileName = "checkpoint";
    private const int Size = 28;
    private static ReadOnlySpan<byte> Magic => "TWINCKP1"u8;

    public static bool TryRead(string directory, out long segmentId, out long offset)
    {
        segmentId = 0;
        offset = 0;
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return false;
        }
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return false;
        }
        if (data.Length != Size || !data.AsSpan(0, 8).SequenceEqual(Magic) ||
            BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(24)) != Crc32C.Compute(data.AsSpan(0, 24)))
        {
            return false;
        }
        segmentId = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8));
        offset = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(16));
        return segmentId >= 0 && offset >= 0;
    }

    public static void Write(string directory, long segmentId, long offset)
    {
        Span<byte> data = stackalloc byte[Size];
        Magic.CopyTo(data);
        BinaryPrimitives.WriteInt64LittleEndian(data[8..], segmentId);
        BinaryPrimitives.WriteInt64LittleEndian(data[16..], offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data[24..], Crc32C.Compute(data[..24]));
        DurableFile.WriteAtomically(Path.Combine(directory, FileName), data);
    }
}
