using System.Buffers.Binary;

namespace Twin.Data.Readers.BioLogic.Mpr;

/// <summary>
/// Where the values of one data record of an EC-Lab <c>.mpr</c> lie. The data module's content starts with the number
/// of records (uint32), the number of columns (uint8) and the column ids, then zero padding up to the first record;
/// records are fixed-size, the columns in id order, all flag columns sharing one byte at the position of the first.
/// Three layouts are known (galvani's comparison with EC-Lab text exports): version 0 with one-byte ids and records from
/// byte 100; version 0 as EC-Lab 11.50 writes it, a zero byte at 5 and two bytes per id (the id in the second),
/// records from byte 1007; versions 2 and 3 with uint16 ids and records from byte 405 (version 2) or 406 (version 3).
/// </summary>
internal sealed class MprDataLayout
{
    /// <summary>Bytes of the data module's content that <see cref="Parse"/> may need: enough for every known layout.</summary>
    public const int PrefixBytes = 1007;

    private MprDataLayout(long records, IReadOnlyList<MprColumn> columns, int recordSize, int dataOffset)
    {
        Records = records;
        Columns = columns;
        RecordSize = recordSize;
        DataOffset = dataOffset;
    }

    /// <summary>Records the module header counts (EC-Lab updates it as it writes; a growing file may count fewer).</summary>
    public long Records { get; }

    /// <summary>The columns in record order.</summary>
    public IReadOnlyList<MprColumn> Columns { get; }

    /// <summary>Bytes of one record.</summary>
    public int RecordSize { get; }

    /// <summary>Offset of the first record from the start of the module's content.</summary>
    public int DataOffset { get; }

    /// <summary>Offset of a column's value within a record, or -1 when the file has no such column.</summary>
    /// <param name="ids">Ids that carry the quantity, in order of preference.</param>
    /// <returns>The offset and the column found.</returns>
    public (int Offset, MprColumn Column) Find(params ReadOnlySpan<int> ids)
    {
        foreach (int id in ids)
        {
            int offset = 0;
            bool flagsPlaced = false;
            foreach (MprColumn c in Columns)
            {
                if (c.Id == id) return (c.Type == MprValueType.Flag ? FlagsOffset() : offset, c);
                if (c.Type == MprValueType.Flag)
                {
                    if (!flagsPlaced) offset += 1;
                    flagsPlaced = true;
                }
                else
                {
                    offset += c.Size;
                }
            }
        }
        return (-1, default);
    }

    private int FlagsOffset()
    {
        int offset = 0;
        foreach (MprColumn c in Columns)
        {
            if (c.Type == MprValueType.Flag) return offset;
            offset += c.Size;
        }
        return -1;
    }

    /// <summary>Where the first record starts in a data module's content, from its version and its byte 5 (0 in EC-Lab
    /// 11.50's two-byte ids), or 0 for a version this reader does not know.</summary>
    /// <param name="version">The data module's version.</param>
    /// <param name="byte5">Byte 5 of the content.</param>
    /// <returns>The offset: 100, 1007, 405 or 406; 0 when unknown.</returns>
    public static int FirstRecord(int version, byte byte5) => version switch
    {
        0 => byte5 != 0 ? 100 : 1007,
        2 => 405,
        3 => 406,
        _ => 0,
    };

    /// <summary>Reads the layout from the start of the data module's content.</summary>
    /// <param name="version">The data module's version (from its header).</param>
    /// <param name="prefix">The first bytes of the content (up to <see cref="PrefixBytes"/>; fewer when the module is shorter).</param>
    /// <returns>The layout.</returns>
    /// <exception cref="FormatException">An unknown version or column id, or a prefix too short for the layout; the message says which.</exception>
    public static MprDataLayout Parse(int version, ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length < 6) throw new FormatException($"the data module holds {prefix.Length} bytes; expected at least its record and column counts");
        long records = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        int count = prefix[4];
        if (count == 0) throw new FormatException("the data module lists no columns");
        var ids = new int[count];
        int dataOffset = FirstRecord(version, prefix[5]);
        switch (dataOffset)
        {
            case 100:
                Need(prefix, 5 + count, version);
                for (int i = 0; i < count; i++) ids[i] = prefix[5 + i];
                break;
            case 1007:
                Need(prefix, 5 + 2 * count, version);
                for (int i = 0; i < count; i++) ids[i] = prefix[6 + 2 * i];
                break;
            case 405 or 406:
                Need(prefix, 5 + 2 * count, version);
                for (int i = 0; i < count; i++) ids[i] = BinaryPrimitives.ReadUInt16LittleEndian(prefix[(5 + 2 * i)..]);
                break;
            default:
                throw new FormatException($"the data module is version {version}; this reader knows versions 0, 2 and 3 (EC-Lab up to 11.50 and later as documented); export the file as text (.mpt) from EC-Lab and replay that");
        }

        var columns = new List<MprColumn>(count);
        int size = 0;
        bool flags = false;
        for (int i = 0; i < count; i++)
        {
            if (!MprColumns.TryGet(ids[i], out MprColumn column))
            {
                string after = i == 0 ? "as the first column" : $"after column '{columns[^1].Name}'";
                throw new FormatException($"unknown column id {ids[i]} {after} (column {i + 1} of {count}): the record layout cannot be read past it; export the file as text (.mpt) from EC-Lab and replay that, and report the id with the column's name in the .mpt header");
            }
            if (columns.Any(c => c.Id == column.Id)) throw new FormatException($"column id {column.Id} ('{column.Name}') is listed twice");
            columns.Add(column);
            if (column.Type != MprValueType.Flag) size += column.Size;
            else if (!flags) { size += 1; flags = true; }
        }
        if (dataOffset < 5 + count) throw new FormatException($"{count} columns do not fit before the first record at byte {dataOffset}");
        return new MprDataLayout(records, columns, size, dataOffset);
    }

    private static void Need(ReadOnlySpan<byte> prefix, int bytes, int version)
    {
        if (prefix.Length < bytes) throw new FormatException($"the data module (version {version}) ends after {prefix.Length} bytes, inside its list of column ids");
    }
}
