using System.Buffers.Binary;
using Twin.Core.Samples;

namespace Twin.Data.Readers.Neware.Ndax;

/// <summary>
/// One data record of a Neware <c>.ndc</c> file (the record tables inside a BTS <c>.ndax</c> archive), as the open-source
/// NewareNDA project documents it from comparisons with Neware's BTSDA exports (read for facts only). Little-endian:
/// index (uint32, byte 8), cycle (uint32, 12; 0-based), step (uint8, 16), status (uint8, 17), step time (uint64 ms, 23),
/// voltage (int32, 31; 0.1 mV), current (int32, 35), charge and discharge capacity (int64, 43 and 51), charge and
/// discharge energy (int64, 59 and 67), date (75: year uint16, month, day, hour, minute, second), current range (int32,
/// 82). Current and capacities are integers scaled by a factor that depends on the current range
/// (<see cref="TryMultiplier"/>): current in mA, capacity in mA·s.
/// </summary>
internal static class NdcRecord
{
    /// <summary>Bytes up to the end of the range field: a record must hold at least this many.</summary>
    public const int MinLength = 86;

    /// <summary>The fields the twin uses.</summary>
    /// <param name="Index">Record index (1-based, increasing).</param>
    /// <param name="Cycle">Cycle, 1-based.</param>
    /// <param name="Step">Step number.</param>
    /// <param name="Status">Step type code (<see cref="Kind"/>).</param>
    /// <param name="StepTimeS">Time since the start of the step, s.</param>
    /// <param name="VoltageV">Voltage, V.</param>
    /// <param name="CurrentMa">Current, mA, as the file signs it.</param>
    /// <param name="ChargeMah">Charge capacity of the step so far, mA·h.</param>
    /// <param name="DischargeMah">Discharge capacity of the step so far, mA·h.</param>
    /// <param name="Date">Wall-clock time of the record (1 s resolution, instrument local time).</param>
    public readonly record struct Fields(uint Index, int Cycle, int Step, byte Status, double StepTimeS, double VoltageV, double CurrentMa,
        double ChargeMah, double DischargeMah, DateTime? Date);

    /// <summary>Decodes a record.</summary>
    /// <param name="r">The record (at least <see cref="MinLength"/> bytes).</param>
    /// <param name="fields">The fields.</param>
    /// <param name="error">Why not, when the record cannot be read (an unknown current range).</param>
    /// <returns>False with <paramref name="error"/> set for an unknown range.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> r, out Fields fields, out string? error)
    {
        fields = default;
        int range = BinaryPrimitives.ReadInt32LittleEndian(r[82..]);
        if (!TryMultiplier(range, out double m))
        {
            error = $"current range {range} is not one this reader knows (the scale of current and capacity depends on it)";
            return false;
        }
        error = null;
        DateTime? date = null;
        int year = BinaryPrimitives.ReadUInt16LittleEndian(r[75..]);
        if (year is > 1990 and < 2200 && r[77] is >= 1 and <= 12 && r[78] is >= 1 and <= 31 && r[79] < 24 && r[80] < 60 && r[81] < 60
            && r[78] <= DateTime.DaysInMonth(year, r[77]))
            date = new DateTime(year, r[77], r[78], r[79], r[80], r[81], DateTimeKind.Unspecified);
        fields = new Fields(
            BinaryPrimitives.ReadUInt32LittleEndian(r[8..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(r[12..]) + 1,
            r[16],
            r[17],
            BinaryPrimitives.ReadUInt64LittleEndian(r[23..]) / 1000.0,
            BinaryPrimitives.ReadInt32LittleEndian(r[31..]) / 10000.0,
            BinaryPrimitives.ReadInt32LittleEndian(r[35..]) * m,
            BinaryPrimitives.ReadInt64LittleEndian(r[43..]) * m / 3600,
            BinaryPrimitives.ReadInt64LittleEndian(r[51..]) * m / 3600,
            date);
        return true;
    }

    /// <summary>Charge, discharge or rest from the step type code (1 CC_Chg, 2 CC_DChg, 3 CV_Chg, 4 Rest, 7 CCCV_Chg,
    /// 8 CP_DChg, 9 CP_Chg, 10 CR_DChg, 13 Pause, 19 CV_DChg, 20 CCCV_DChg, 22 OCV, 26 CPCV_DChg, 27 CPCV_Chg; NewareNDA's table).</summary>
    /// <param name="status">The code.</param>
    /// <returns>The kind; <see cref="StepKind.Unknown"/> for codes that do not say (cycle markers, pulses, simulations).</returns>
    public static StepKind Kind(byte status) => status switch
    {
        1 or 3 or 7 or 9 or 27 => StepKind.Charge,
        2 or 8 or 10 or 19 or 20 or 26 => StepKind.Discharge,
        4 or 13 or 22 => StepKind.Rest,
        _ => StepKind.Unknown,
    };

    /// <summary>The scale of current (mA per unit) for a current range setting (NewareNDA's table, from BTSDA comparisons).</summary>
    /// <param name="range">The range field.</param>
    /// <param name="multiplier">mA per unit of the current field.</param>
    /// <returns>False for a range not in the table.</returns>
    public static bool TryMultiplier(int range, out double multiplier)
    {
        multiplier = range switch
        {
            -100000000 => 10,
            0 => 0, // no range (rest records): current and capacity read as zero
            -200000 or -100000 or -60000 or -50000 or -40000 or -30000 or -20000 or -12000 or -10000 or -6000 or -5000 or -3000 or -2000 or -1000 => 1e-2,
            -500 or -100 => 1e-3,
            -50 or -25 or -20 or -10 => 1e-4,
            -5 or -2 or -1 => 1e-5,
            1 or 2 or 5 => 1e-4,
            10 or 20 or 25 or 50 => 1e-3,
            100 or 200 or 250 or 500 => 1e-2,
            1000 or 6000 or 10000 or 12000 or 20000 or 30000 or 40000 or 50000 or 60000 or 100000 or 200000 => 1e-1,
            _ => double.NaN,
        };
        return !double.IsNaN(multiplier);
    }
}
