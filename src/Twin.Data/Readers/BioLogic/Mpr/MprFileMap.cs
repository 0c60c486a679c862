using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Twin.Data.Readers.BioLogic.Mpr;

/// <summary>
/// Where things are in an EC-Lab <c>.mpr</c> file on disk, read by position (nothing but the module headers, the data
/// module's layout and the log module's time): used for the start time of a file replayed from disk and, polled again
/// and again, to follow a file EC-Lab is still writing.
/// </summary>
/// <param name="Layout">The data module's layout.</param>
/// <param name="FirstRecordOffset">Offset in the file of the first record.</param>
/// <param name="DataModuleOffset">Offset in the file of the data module's <c>MODULE</c> word: the bytes before it (signature and settings) do not change while EC-Lab writes.</param>
/// <param name="RecordsInFile">Whole records present: the count the module header gives when another module follows the
/// data module; otherwise (EC-Lab still appending) every whole record up to the end of the file — a partial last one is not counted.</param>
/// <param name="Start">Acquisition start from the log module, or null.</param>
internal sealed record MprFileMap(MprDataLayout Layout, long FirstRecordOffset, long DataModuleOffset, long RecordsInFile, DateTimeOffset? Start)
{
    /// <summary>Maps a file.</summary>
    /// <param name="file">An open handle (positional reads only: the handle's position is not used).</param>
    /// <param name="name">The file's name, for messages.</param>
    /// <returns>The map, or null when the file does not yet hold the data module's header (EC-Lab just created it).</returns>
    /// <exception cref="CyclerDataException">Not an <c>.mpr</c>, a damaged module chain, or an unknown layout; the message says which.</exception>
    public static MprFileMap? Read(SafeFileHandle file, string name)
    {
        long length = RandomAccess.GetLength(file);
        Span<byte> header = stackalloc byte[MprModuleHeader.NewSize];
        ReadOnlySpan<byte> magic = MprModuleHeader.FileMagic;
        if (length < magic.Length) return null;
        if (RandomAccess.Read(file, header[..magic.Length], 0) < magic.Length || !header[..magic.Length].SequenceEqual(magic))
            throw new CyclerDataException(name, 0, null, "expected an EC-Lab .mpr (first bytes 'BIO-LOGIC MODULAR FILE')");
        long offset = magic.Length;
        MprDataLayout? layout = null;
        long dataModule = 0, dataContent = 0, dataLength = 0, records = 0;
        DateTimeOffset? start = null;
        try
        {
            while (offset + MprModuleHeader.OldSize <= length)
            {
                int got = RandomAccess.Read(file, header, offset);
                if (got < MprModuleHeader.OldSize) break;
                if (!header.StartsWith(MprModuleHeader.ModuleWord))
                {
                    if (layout is not null) break; // records past a stale module length: EC-Lab is appending
                    throw new FormatException($"expected a module ('MODULE') at byte {offset:N0}, found '{BinaryExports.Printable(Encoding.Latin1.GetString(header[..6]))}'");
                }
                if (MprModuleHeader.IsNewLayout(header) && got < MprModuleHeader.NewSize) break;
                var module = MprModuleHeader.Parse(header, offset);
                long content = offset + module.HeaderSize;
                if (module.ShortName == MprModuleHeader.DataModule && layout is null)
                {
                    byte[] prefix = new byte[(int)Math.Min(MprDataLayout.PrefixBytes, Math.Max(0, length - content))];
                    int n = RandomAccess.Read(file, prefix, content);
                    if (n < 6) return null;
                    try
                    {
                        layout = MprDataLayout.Parse(module.Version, prefix.AsSpan(0, n));
                    }
                    catch (FormatException) when (n < prefix.Length || n < MprDataLayout.PrefixBytes && content + n == length)
                    {
                        return null; // the header of the data module is still being written
                    }
                    (dataModule, dataContent, dataLength, records) = (offset, content, module.Length, layout.Records);
                }
                else if (module.ShortName == MprModuleHeader.LogModule)
                {
                    byte[] log = new byte[(int)Math.Min(MprLogTime.NeededBytes, Math.Max(0, length - content))];
                    start = MprLogTime.Find(log.AsSpan(0, RandomAccess.Read(file, log, content)));
                }
                offset = content + module.Length;
            }
        }
        catch (FormatException e)
        {
            throw new CyclerDataException(name, 0, null, e.Message);
        }
        if (layout is null) return null;
        long first = dataContent + layout.DataOffset;
        bool closed = dataContent + dataLength < length && HasModuleAt(file, dataContent + dataLength);
        long inFile = closed
            ? Math.Min(records, Math.Max(0, dataLength - layout.DataOffset) / layout.RecordSize)
            : Math.Max(0, length - first) / layout.RecordSize;
        return new MprFileMap(layout, first, dataModule, inFile, start);
    }

    private static bool HasModuleAt(SafeFileHandle file, long offset)
    {
        Span<byte> word = stackalloc byte[6];
        return RandomAccess.Read(file, word, offset) == 6 && word.SequenceEqual(MprModuleHeader.ModuleWord);
    }
}
