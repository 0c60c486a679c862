using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Twin.Core.Samples;

namespace Twin.Testing.Cyclers;

/// <summary>One record of an EC-Lab galvanostatic (GCPL) file, as EC-Lab stores it.</summary>
/// <param name="TimeS">time/s.</param>
/// <param name="EweV">Ewe/V (stored as single).</param>
/// <param name="CurrentMa">I/mA (single), positive on oxidation (charge of a cathode).</param>
/// <param name="QMah">(Q-Qo)/mA.h, cumulative.</param>
/// <param name="Mode">mode: 1 CC, 2 CV, 3 rest.</param>
/// <param name="OxRed">ox/red: true on oxidation.</param>
/// <param name="Ns">Ns, the sequence (step) index.</param>
/// <param name="Cycle">cycle number.</param>
public readonly record struct EcLabRow(double TimeS, float EweV, float CurrentMa, double QMah, byte Mode, bool OxRed, ushort Ns, double Cycle);

/// <summary>The data-module layouts EC-Lab has written (see the product's MprDataLayout for what each is).</summary>
public enum MprLayout
{
    /// <summary>Data module version 2: uint16 column ids, records from byte 405.</summary>
    Version2,

    /// <summary>Data module version 3: uint16 column ids, records from byte 406.</summary>
    Version3,

    /// <summary>Data module version 0, one byte per id, records from byte 100.</summary>
    Version0,

    /// <summary>EC-Lab 11.50 on: long module headers, version 0 with two bytes per id, records from byte 1007.</summary>
    Version0Ec1150,
}

/// <summary>
/// Writes EC-Lab files for tests, laid out as the public descriptions of the formats give them: the binary raw file
/// (<c>.mpr</c>: signature, settings, data and log modules) and the text export (<c>.mpt</c>) of the same records —
/// the pair EC-Lab users have. Also the parts of a raw file one at a time, to grow one as EC-Lab does while it measures.
/// </summary>
public static class EcLabFiles
{
    /// <summary>The column ids written, in record order: the flags, Ns, time, control, Ewe, dq, I, (Q-Qo), cycle number, P.</summary>
    public static readonly int[] ColumnIds = [1, 2, 3, 21, 31, 65, 131, 4, 5, 6, 7, 8, 13, 24, 70];

    /// <summary>Bytes of one record with <see cref="ColumnIds"/>.</summary>
    public const int RecordSize = 1 + 2 + 8 + 4 + 4 + 8 + 4 + 8 + 8 + 4;

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("BIO-LOGIC MODULAR FILE\u001a".PadRight(48)).Concat(new byte[4]).ToArray();

    /// <summary>A whole raw file: signature, settings module, data module with every row, log module with the start time.</summary>
    /// <param name="rows">The records.</param>
    /// <param name="layout">Data-module layout.</param>
    /// <param name="start">Acquisition start (local time), written into the log module.</param>
    /// <param name="withLog">False to leave the log module out (as while EC-Lab still measures).</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] Mpr(IReadOnlyList<EcLabRow> rows, MprLayout layout, DateTime start, bool withLog = true)
    {
        var file = new List<byte>(Head(layout, rows.Count, start));
        file.AddRange(Records(rows));
        if (withLog) file.AddRange(LogModule(layout, start));
        return [.. file];
    }

    /// <summary>Signature, settings module and the data module's header for <paramref name="records"/> records (no records).</summary>
    /// <param name="layout">Data-module layout.</param>
    /// <param name="records">Records the header counts.</param>
    /// <param name="start">Date of the modules.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Head(MprLayout layout, int records, DateTime start)
    {
        var b = new List<byte>(Magic);
        byte[] settings = new byte[1200];
        Encoding.ASCII.GetBytes("Galvanostatic Cycling with Potential Limitation").CopyTo(settings, 10);
        b.AddRange(ModuleHeader(layout, "VMP Set", "VMP settings", settings.Length, 0, start));
        b.AddRange(settings);
        b.AddRange(DataModuleHeader(layout, records, start));
        return [.. b];
    }

    /// <summary>The data module's header and its content up to the first record, counting <paramref name="records"/> records.</summary>
    /// <param name="layout">Data-module layout.</param>
    /// <param name="records">Records counted.</param>
    /// <param name="start">Date of the module.</param>
    /// <returns>The bytes (rewritten in place by a writer that adds records).</returns>
    public static byte[] DataModuleHeader(MprLayout layout, int records, DateTime start)
    {
        int dataOffset = layout switch { MprLayout.Version2 => 405, MprLayout.Version3 => 406, MprLayout.Version0 => 100, _ => 1007 };
        int version = layout is MprLayout.Version2 ? 2 : layout is MprLayout.Version3 ? 3 : 0;
        byte[] content = new byte[dataOffset];
        BinaryPrimitives.WriteUInt32LittleEndian(content, (uint)records);
        content[4] = (byte)ColumnIds.Length;
        for (int i = 0; i < ColumnIds.Length; i++)
        {
            switch (layout)
            {
                case MprLayout.Version0: content[5 + i] = (byte)ColumnIds[i]; break;
                case MprLayout.Version0Ec1150: content[6 + 2 * i] = (byte)ColumnIds[i]; break;
                default: BinaryPrimitives.WriteUInt16LittleEndian(content.AsSpan(5 + 2 * i), (ushort)ColumnIds[i]); break;
            }
        }
        if (layout is MprLayout.Version3) content[405] = 1;
        return [.. ModuleHeader(layout, "VMP data", "VMP data", dataOffset + (long)records * RecordSize, version, start), .. content];
    }

    /// <summary>Offset, from the start of the file, of the data module's header (what <see cref="DataModuleHeader"/> rewrites).</summary>
    /// <param name="layout">Data-module layout.</param>
    /// <returns>The offset.</returns>
    public static int DataModuleOffset(MprLayout layout) => Magic.Length + HeaderSize(layout) + 1200;

    /// <summary>The records' bytes.</summary>
    /// <param name="rows">The records.</param>
    /// <returns>RecordSize bytes per row.</returns>
    public static byte[] Records(IEnumerable<EcLabRow> rows)
    {
        var b = new List<byte>();
        Span<byte> r = stackalloc byte[RecordSize];
        foreach (var row in rows)
        {
            r.Clear();
            r[0] = (byte)((row.Mode & 0x03) | (row.OxRed ? 0x04 : 0));
            BinaryPrimitives.WriteUInt16LittleEndian(r[1..], row.Ns);
            BinaryPrimitives.WriteDoubleLittleEndian(r[3..], row.TimeS);
            BinaryPrimitives.WriteSingleLittleEndian(r[11..], row.CurrentMa); // control/V/mA: the set point
            BinaryPrimitives.WriteSingleLittleEndian(r[15..], row.EweV);
            BinaryPrimitives.WriteDoubleLittleEndian(r[19..], 0);
            BinaryPrimitives.WriteSingleLittleEndian(r[27..], row.CurrentMa);
            BinaryPrimitives.WriteDoubleLittleEndian(r[31..], row.QMah);
            BinaryPrimitives.WriteDoubleLittleEndian(r[39..], row.Cycle);
            BinaryPrimitives.WriteSingleLittleEndian(r[47..], row.EweV * row.CurrentMa / 1000f);
            b.AddRange(r.ToArray());
        }
        return [.. b];
    }

    /// <summary>The log module, with the acquisition start as an OLE Automation date at byte 465 of its content.</summary>
    /// <param name="layout">Module header layout.</param>
    /// <param name="start">Acquisition start.</param>
    /// <returns>The bytes.</returns>
    public static byte[] LogModule(MprLayout layout, DateTime start)
    {
        byte[] content = new byte[700];
        BinaryPrimitives.WriteDoubleLittleEndian(content.AsSpan(465), start.ToOADate());
        return [.. ModuleHeader(layout, "VMP LOG", "VMP data log", content.Length, 0, start), .. content];
    }

    /// <summary>The text export of the same records (EC-Lab's <c>.mpt</c>, tab-separated, header block).</summary>
    /// <param name="rows">The records.</param>
    /// <param name="start">Acquisition start.</param>
    /// <returns>The text.</returns>
    public static string Mpt(IReadOnlyList<EcLabRow> rows, DateTime start)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("EC-Lab ASCII FILE\r\nNb header lines : 5\r\n\r\n");
        sb.Append(inv, $"Acquisition started on : {start:MM/dd/yyyy HH:mm:ss.fff}\r\n");
        sb.Append("mode\tox/red\terror\tcontrol changes\tNs changes\tcounter inc.\tNs\ttime/s\tcontrol/V/mA\tEwe/V\tdq/mA.h\tI/mA\t(Q-Qo)/mA.h\tcycle number\tP/W\r\n");
        foreach (var r in rows)
        {
            sb.Append(inv, $"{r.Mode}\t{(r.OxRed ? 1 : 0)}\t0\t0\t0\t0\t{r.Ns}\t{r.TimeS:R}\t{r.CurrentMa:R}\t{r.EweV:R}\t0\t{r.CurrentMa:R}\t{r.QMah:R}\t{r.Cycle:R}\t{r.EweV * r.CurrentMa / 1000f:R}\r\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// The records EC-Lab would have written for a test another cycler logged: voltage and current rounded to single
    /// as EC-Lab stores them, (Q-Qo) the running integral of that current (trapezoids, mA·h), mode 3 on rest, else 1.
    /// </summary>
    /// <param name="samples">The test's samples.</param>
    /// <returns>The rows.</returns>
    public static List<EcLabRow> FromSamples(IEnumerable<CyclerSample> samples)
    {
        var rows = new List<EcLabRow>();
        double q = 0;
        foreach (var s in samples)
        {
            float ma = (float)(s.CurrentA * 1000);
            if (rows.Count > 0)
            {
                var last = rows[^1];
                q += (last.CurrentMa + (double)ma) / 2 * (s.TimeS - last.TimeS) / 3600;
            }
            rows.Add(new EcLabRow(s.TimeS, (float)s.VoltageV, ma, q, s.Kind == StepKind.Rest ? (byte)3 : (byte)1, ma > 0, (ushort)s.Step, s.SourceCycle));
        }
        return rows;
    }

    private static int HeaderSize(MprLayout layout) => layout is MprLayout.Version0Ec1150 ? 6 + 59 : 6 + 51;

    private static byte[] ModuleHeader(MprLayout layout, string shortName, string longName, long length, int version, DateTime date)
    {
        byte[] h = new byte[HeaderSize(layout)];
        Encoding.ASCII.GetBytes("MODULE").CopyTo(h, 0);
        Encoding.ASCII.GetBytes(shortName.PadRight(10)).CopyTo(h, 6);
        Encoding.ASCII.GetBytes(longName.PadRight(25)).CopyTo(h, 16);
        int at = 41;
        if (layout is MprLayout.Version0Ec1150)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(at), uint.MaxValue);
            at += 4;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(at), (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(at + 4), (uint)version);
        at += layout is MprLayout.Version0Ec1150 ? 12 : 8;
        Encoding.ASCII.GetBytes(date.ToString("MM/dd/yy", CultureInfo.InvariantCulture)).CopyTo(h, at);
        return h;
    }
}
