using System.Buffers.Binary;
using System.Text;

namespace Twin.Data.Readers.BioLogic.Mpr;

/// <summary>
/// The header of one module of an EC-Lab <c>.mpr</c> file. After the 52-byte file signature
/// (<see cref="FileMagic"/>) the file is a sequence of modules, each <c>MODULE</c> followed by this header and
/// <see cref="Length"/> bytes of content. Two header layouts exist (facts from the galvani project's comparison of
/// <c>.mpr</c> files with EC-Lab text exports): before EC-Lab 11.50, short name (10 bytes), long name (25), length
/// (uint32), version (uint32), date (8 ASCII, <c>MM/dd/yy</c>); from 11.50 on, a "maximum length" uint32 of
/// <c>FF FF FF FF</c> follows the long name, then length, version, one more uint32 and the date. All integers little-endian.
/// </summary>
/// <param name="ShortName">Module name, e.g. <c>VMP Set</c>, <c>VMP data</c>, <c>VMP LOG</c> (trailing blanks removed).</param>
/// <param name="Length">Bytes of content after the header.</param>
/// <param name="Version">The module's layout version.</param>
/// <param name="Date">The date text (<c>MM/dd/yy</c>).</param>
/// <param name="HeaderSize">Bytes from <c>MODULE</c> to the content: <see cref="OldSize"/> or <see cref="NewSize"/>.</param>
internal readonly record struct MprModuleHeader(string ShortName, long Length, int Version, string Date, int HeaderSize)
{
    /// <summary>The file's first bytes: <c>BIO-LOGIC MODULAR FILE</c>, 0x1A, blanks to 48 bytes, four zero bytes.</summary>
    public static ReadOnlySpan<byte> FileMagic => "BIO-LOGIC MODULAR FILE\u001a                         \0\0\0\0"u8;

    /// <summary>The text a raw file starts with: enough to tell an <c>.mpr</c> (whose remaining signature bytes the reader checks).</summary>
    public static ReadOnlySpan<byte> Signature => "BIO-LOGIC MODULAR FILE"u8;

    /// <summary>The word each module starts with.</summary>
    public static ReadOnlySpan<byte> ModuleWord => "MODULE"u8;

    /// <summary>Bytes of a module header before EC-Lab 11.50, <c>MODULE</c> included.</summary>
    public const int OldSize = 6 + 10 + 25 + 4 + 4 + 8;

    /// <summary>Bytes of a module header from EC-Lab 11.50 on, <c>MODULE</c> included.</summary>
    public const int NewSize = OldSize + 8;

    /// <summary>Short name of the data module.</summary>
    public const string DataModule = "VMP data";

    /// <summary>Short name of the log module (holds the acquisition start).</summary>
    public const string LogModule = "VMP LOG";

    /// <summary>Whether the bytes of an old-size header announce the longer header (the 11.50 marker).</summary>
    /// <param name="oldSizeBytes">The first <see cref="OldSize"/> bytes.</param>
    /// <returns>True when <see cref="NewSize"/> bytes must be read.</returns>
    public static bool IsNewLayout(ReadOnlySpan<byte> oldSizeBytes) =>
        oldSizeBytes.Slice(6 + 35, 4).SequenceEqual((ReadOnlySpan<byte>)[0xFF, 0xFF, 0xFF, 0xFF]);

    /// <summary>Parses a module header.</summary>
    /// <param name="bytes">The header, <c>MODULE</c> included: <see cref="OldSize"/> or <see cref="NewSize"/> bytes.</param>
    /// <param name="offset">Its offset in the file, for the message.</param>
    /// <returns>The header.</returns>
    /// <exception cref="FormatException">The bytes do not start with <c>MODULE</c>; the message gives the offset.</exception>
    public static MprModuleHeader Parse(ReadOnlySpan<byte> bytes, long offset)
    {
        if (!bytes.StartsWith(ModuleWord))
            throw new FormatException($"expected a module ('MODULE') at byte {offset:N0}, found '{BinaryExports.Printable(Encoding.Latin1.GetString(bytes[..Math.Min(6, bytes.Length)]))}': the file is damaged or not an EC-Lab .mpr");
        bool isNew = IsNewLayout(bytes);
        string name = Encoding.Latin1.GetString(bytes.Slice(6, 10)).TrimEnd(' ', '\0');
        int at = 6 + 35 + (isNew ? 4 : 0);
        long length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
        int version = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 4)..]);
        at += isNew ? 12 : 8;
        string date = Encoding.Latin1.GetString(bytes.Slice(at, 8)).TrimEnd('\0', ' ');
        return new MprModuleHeader(name, length, version, date, isNew ? NewSize : OldSize);
    }
}
