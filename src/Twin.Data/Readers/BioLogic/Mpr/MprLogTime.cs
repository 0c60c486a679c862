using System.Buffers.Binary;

namespace Twin.Data.Readers.BioLogic.Mpr;

/// <summary>
/// The acquisition start held by the log module (<c>VMP LOG</c>) of an EC-Lab <c>.mpr</c>: an OLE Automation date
/// (days since 1899-12-30, IEEE double) at byte 465, 469, 473 or 585 of the module's content, depending on the EC-Lab
/// version (galvani's comparison with the <c>Acquisition started on</c> line of the text export). The first offset
/// holding a value between 40,000 and 50,000 days (the years 2009 to 2036) is taken, as there.
/// </summary>
internal static class MprLogTime
{
    /// <summary>Bytes of the log module's content the time may need.</summary>
    public const int NeededBytes = 585 + 8;

    private static readonly int[] Offsets = [465, 469, 473, 585];

    /// <summary>Finds the start time.</summary>
    /// <param name="content">The log module's first bytes (up to <see cref="NeededBytes"/>).</param>
    /// <returns>Instrument local time (offset zero: the file carries no zone), or null when no offset holds one.</returns>
    public static DateTimeOffset? Find(ReadOnlySpan<byte> content)
    {
        foreach (int at in Offsets)
        {
            if (content.Length < at + 8) continue;
            double days = BinaryPrimitives.ReadDoubleLittleEndian(content[at..]);
            if (days > 40_000 && days < 50_000)
                return new DateTimeOffset(DateTime.FromOADate(days).Ticks, TimeSpan.Zero);
        }
        return null;
    }
}
