using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Twin.Core.Samples;

namespace Twin.Testing.Cyclers;

/// <summary>One record of a Neware BTS test as BTS stores it in a <c>.ndc</c> record table.</summary>
/// <param name="Index">Record index, 1-based.</param>
/// <param name="Cycle">Cycle, 1-based.</param>
/// <param name="Step">Step number.</param>
/// <param name="Status">Step type code (1 CC_Chg, 2 CC_DChg, 4 Rest, …).</param>
/// <param name="StepTimeS">Time since the step started, s.</param>
/// <param name="VoltageV">Voltage, V.</param>
/// <param name="CurrentMa">Current, mA, negative on discharge.</param>
/// <param name="ChargeMah">Charge capacity of the step so far, mA·h.</param>
/// <param name="DischargeMah">Discharge capacity of the step so far, mA·h.</param>
/// <param name="Date">Wall-clock time of the record.</param>
public readonly record struct NdcRow(uint Index, int Cycle, int Step, byte Status, double StepTimeS, double VoltageV, double CurrentMa,
    double ChargeMah, double DischargeMah, DateTime Date);

/// <summary>
/// Writes Neware BTS <c>.ndax</c> archives for tests, as the public (reverse-engineered) descriptions lay them out: a
/// ZIP file with <c>VersionInfo.xml</c>, <c>Step.xml</c> and the record table <c>data.ndc</c> in layout version 2 or 5,
/// current range 10 A (0.1 mA per unit of current, capacity in units of 0.1 mA·s).
/// </summary>
public static class NewareFiles
{
    /// <summary>The current range written (its scale: 0.1 mA per unit).</summary>
    public const int Range = 10000;

    /// <summary>
    /// The records BTS would have written for a test another cycler logged: step time from the end of the step before,
    /// capacities of the step from the source's per-step counter, step type from the step kind (charge 1 CC_Chg,
    /// discharge 2 CC_DChg, rest 4, anything else 21 Control), cycles 1-based.
    /// </summary>
    /// <param name="samples">The test's samples (a counter that restarts each step).</param>
    /// <param name="start">Wall-clock time of the first record.</param>
    /// <returns>The rows.</returns>
    public static List<NdcRow> FromSamples(IEnumerable<CyclerSample> samples, DateTime start)
    {
        var rows = new List<NdcRow>();
        double stepStart = double.NaN, last = double.NaN, t0 = double.NaN;
        int lastStep = int.MinValue;
        uint index = 0;
        foreach (var s in samples)
        {
            if (double.IsNaN(t0)) t0 = stepStart = s.TimeS;
            if (s.Step != lastStep && lastStep != int.MinValue) stepStart = last;
            lastStep = s.Step;
            last = s.TimeS;
            byte status = s.Kind switch { StepKind.Charge => 1, StepKind.Discharge => 2, StepKind.Rest => 4, _ => 21 };
            double q = s.ChargeCounterAh * 1000;
            rows.Add(new NdcRow(++index, s.SourceCycle + 1, s.Step, status, s.TimeS - stepStart, s.VoltageV, s.CurrentA * 1000,
                Math.Max(q, 0), Math.Max(-q, 0), start.AddSeconds(Math.Floor(s.TimeS - t0))));
        }
        return rows;
    }

    /// <summary>A whole archive.</summary>
    /// <param name="rows">The records.</param>
    /// <param name="version">Layout version of data.ndc: 2 or 5.</param>
    /// <returns>The archive's bytes.</returns>
    public static byte[] Ndax(IReadOnlyList<NdcRow> rows, int version)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "VersionInfo.xml", Encoding.ASCII.GetBytes("<?xml version=\"1.0\"?><root><config><ZwjVersion SvrVer=\"7.6\" CurrClientVer=\"7.6\"/></config></root>"));
            Add(zip, "Step.xml", Encoding.ASCII.GetBytes("<?xml version=\"1.0\"?><root><config><Head_Info><SCQ Value=\"0\"/></Head_Info></config></root>"));
            Add(zip, "data.ndc", Ndc(rows, version));
        }
        return ms.ToArray();
    }

    /// <summary>
    /// An archive in BTS 8's split layout: data.ndc (voltage, current), data_runInfo.ndc (step time, capacities, time,
    /// step, index) and data_step.ndc (cycle, step type), all paged tables of one layout version.
    /// </summary>
    /// <param name="rows">The records.</param>
    /// <param name="version">11, 14 or 17.</param>
    /// <param name="withoutRunInfo">Indexes of records whose run information is left out (as BTS 8 sometimes does).</param>
    /// <returns>The archive's bytes.</returns>
    public static byte[] NdaxSplit(IReadOnlyList<NdcRow> rows, int version, ISet<uint>? withoutRunInfo = null)
    {
        // Steps numbered in order of appearance (a new step when the step number changes).
        var steps = new List<(int Number, int Cycle, byte Status, int ScheduleStep)>();
        var stepOf = new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (i == 0 || rows[i].Step != rows[i - 1].Step) steps.Add((steps.Count + 1, rows[i].Cycle, rows[i].Status, rows[i].Step));
            stepOf[i] = steps.Count;
        }
        var data = Paged(1, version, 132, 4, 8, rows.Select(r =>
        {
            byte[] slot = new byte[8];
            BinaryPrimitives.WriteSingleLittleEndian(slot, version == 11 ? (float)(r.VoltageV * 1e4) : (float)r.VoltageV);
            BinaryPrimitives.WriteSingleLittleEndian(slot.AsSpan(4), version == 11 ? (float)r.CurrentMa : (float)(r.CurrentMa / 1000));
            return slot;
        }));
        var (runFirst, runTail, runSize) = version switch { 11 => (132, 63, 47), 14 => (132, 59, 55), _ => (232, 64, 100) };
        var run = Paged(18, version, runFirst, runTail, runSize, rows.Select((r, i) => (r, i)).Where(x => withoutRunInfo?.Contains(x.r.Index) != true).Select(x =>
        {
            var (r, i) = x;
            byte[] slot = new byte[runSize];
            double scale = version == 11 ? 3600 : 1e-3; // mA·h to the stored unit: mA·s, or A·h
            BinaryPrimitives.WriteInt32LittleEndian(slot, (int)Math.Round(r.StepTimeS * 1000));
            BinaryPrimitives.WriteSingleLittleEndian(slot.AsSpan(5), (float)(r.ChargeMah * scale));
            BinaryPrimitives.WriteSingleLittleEndian(slot.AsSpan(9), (float)(r.DischargeMah * scale));
            var unix = new DateTimeOffset(DateTime.SpecifyKind(r.Date, DateTimeKind.Utc));
            BinaryPrimitives.WriteInt32LittleEndian(slot.AsSpan(33), (int)unix.ToUnixTimeSeconds());
            BinaryPrimitives.WriteInt32LittleEndian(slot.AsSpan(37), version == 17 ? stepOf[i] : r.Step);
            BinaryPrimitives.WriteInt32LittleEndian(slot.AsSpan(41), (int)r.Index);
            return slot;
        }));
        var (stepTail, stepSize) = version == 17 ? (64, 100) : (5, 37);
        var step = Paged(7, version, 132, stepTail, stepSize, steps.Select(st =>
        {
            byte[] slot = new byte[stepSize];
            BinaryPrimitives.WriteInt32LittleEndian(slot, st.Cycle - 1);
            BinaryPrimitives.WriteInt32LittleEndian(slot.AsSpan(4), version == 17 ? st.Number : st.ScheduleStep);
            slot[24] = st.Status;
            if (version == 17) BinaryPrimitives.WriteInt32LittleEndian(slot.AsSpan(33), st.ScheduleStep);
            return slot;
        }));
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "VersionInfo.xml", Encoding.ASCII.GetBytes("<?xml version=\"1.0\"?><root><config><ZwjVersion SvrVer=\"8.0\" CurrClientVer=\"8.0\"/></config></root>"));
            Add(zip, "data.ndc", data);
            Add(zip, "data_runInfo.ndc", run);
            Add(zip, "data_step.ndc", step);
        }
        return ms.ToArray();
    }

    /// <summary>A paged table: a 4096-byte header (file type at byte 0, version at 2), then 4096-byte pages of slots.</summary>
    private static byte[] Paged(int fileType, int version, int first, int tail, int size, IEnumerable<byte[]> slots)
    {
        var b = new List<byte>();
        byte[] page = new byte[4096];
        page[0] = (byte)fileType;
        page[2] = (byte)version;
        b.AddRange(page);
        int perPage = (4096 - tail - first) / size, k = 0;
        Array.Clear(page);
        foreach (var slot in slots)
        {
            slot.CopyTo(page, first + k * size);
            if (++k == perPage)
            {
                b.AddRange(page);
                Array.Clear(page);
                k = 0;
            }
        }
        if (k > 0) b.AddRange(page);
        return [.. b];
    }

    /// <summary>The record table.</summary>
    /// <param name="rows">The records.</param>
    /// <param name="version">2 (517-byte header, 94-byte records) or 5 (4096-byte pages of 87-byte records from byte 125).</param>
    /// <returns>The table's bytes.</returns>
    public static byte[] Ndc(IReadOnlyList<NdcRow> rows, int version)
    {
        var b = new List<byte>();
        if (version == 2)
        {
            byte[] header = new byte[517];
            header[0] = 1;
            header[2] = 2;
            b.AddRange(header);
            byte[] r = new byte[94];
            foreach (var row in rows)
            {
                Array.Clear(r);
                r[0] = 0x55;
                r[1] = 0x00; r[2] = 0x01; r[3] = 0x01; r[4] = 0x00; r[5] = 0x00; r[6] = 0x00; r[7] = 0x00; // the 8 bytes every record starts with
                Fields(r, row);
                b.AddRange(r);
            }
            return [.. b];
        }
        byte[] page = new byte[4096];
        page[0] = 1;
        page[2] = 5;
        b.AddRange(page);
        const int first = 125, size = 87, perPage = (4096 - 56 - first) / size;
        for (int i = 0; i < rows.Count; i += perPage)
        {
            Array.Clear(page);
            for (int k = 0; k < perPage && i + k < rows.Count; k++)
            {
                var slot = new byte[size];
                slot[7] = 0x55;
                Fields(slot, rows[i + k]);
                slot.CopyTo(page, first + k * size);
            }
            b.AddRange(page);
        }
        return [.. b];
    }

    private static void Fields(byte[] r, NdcRow row)
    {
        const double unit = 0.1; // mA per unit at range 10000
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(8), row.Index);
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(12), (uint)(row.Cycle - 1));
        r[16] = (byte)row.Step;
        r[17] = row.Status;
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(23), (ulong)Math.Round(row.StepTimeS * 1000));
        BinaryPrimitives.WriteInt32LittleEndian(r.AsSpan(31), (int)Math.Round(row.VoltageV * 10000));
        BinaryPrimitives.WriteInt32LittleEndian(r.AsSpan(35), (int)Math.Round(row.CurrentMa / unit));
        BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(43), (long)Math.Round(row.ChargeMah * 3600 / unit));
        BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(51), (long)Math.Round(row.DischargeMah * 3600 / unit));
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(75), (ushort)row.Date.Year);
        r[77] = (byte)row.Date.Month; r[78] = (byte)row.Date.Day; r[79] = (byte)row.Date.Hour; r[80] = (byte)row.Date.Minute; r[81] = (byte)row.Date.Second;
        BinaryPrimitives.WriteInt32LittleEndian(r.AsSpan(82), Range);
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        s.Write(content);
    }
}
