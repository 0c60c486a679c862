namespace Twin.Data.Readers.BioLogic.Mpr;

/// <summary>How one column of an EC-Lab <c>.mpr</c> data record is stored (little-endian).</summary>
internal enum MprValueType : byte
{
    /// <summary>A bit field of the shared flags byte (mode, ox/red, error, …): all flag columns share one byte.</summary>
    Flag,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32,

    /// <summary>IEEE 754 single.</summary>
    Float32,

    /// <summary>IEEE 754 double.</summary>
    Float64,
}

/// <summary>One column id of an EC-Lab data module: its EC-Lab name (as in the <c>.mpt</c> header) and storage.</summary>
/// <param name="Id">The column id written in the data module's header.</param>
/// <param name="Name">The column's name in EC-Lab's text export.</param>
/// <param name="Type">How a value is stored.</param>
/// <param name="FlagMask">For <see cref="MprValueType.Flag"/>: the bits of the flags byte.</param>
internal readonly record struct MprColumn(int Id, string Name, MprValueType Type, byte FlagMask = 0)
{
    /// <summary>Bytes the column takes in a record (0 for a flag: the shared flags byte is counted once).</summary>
    public int Size => Type switch
    {
        MprValueType.Flag => 0,
        MprValueType.UInt8 => 1,
        MprValueType.UInt16 => 2,
        MprValueType.UInt32 or MprValueType.Float32 => 4,
        _ => 8,
    };
}

/// <summary>
/// The column ids of EC-Lab's data module. BioLogic publishes no specification of <c>.mpr</c>; the ids, names, storage
/// types and flag bits here are those documented by the open-source readers that compared <c>.mpr</c> files with
/// EC-Lab's own text exports of the same data (the galvani project, <c>BioLogic.py</c>, BSD/GPL, read for facts
/// only). Files from EC-Lab 11.50 on write some quantities under other ids (174 for &lt;Ewe&gt;, 178/179 for Q in C,
/// 182 step time, 211–213); both sets are listed. An id not listed stops the reader with an error naming it: a
/// record's layout cannot be known past an unknown column.
/// </summary>
internal static class MprColumns
{
    private static readonly Dictionary<int, MprColumn> ById = Build();

    /// <summary>Looks a column id up.</summary>
    /// <param name="id">The id from the data module's header.</param>
    /// <param name="column">The column, when known.</param>
    /// <returns>False for an id not in the table.</returns>
    public static bool TryGet(int id, out MprColumn column) => ById.TryGetValue(id, out column);

    private static Dictionary<int, MprColumn> Build()
    {
        var columns = new List<MprColumn>
        {
            new(1, "mode", MprValueType.Flag, 0x03),
            new(2, "ox/red", MprValueType.Flag, 0x04),
            new(3, "error", MprValueType.Flag, 0x08),
            new(21, "control changes", MprValueType.Flag, 0x10),
            new(31, "Ns changes", MprValueType.Flag, 0x20),
            new(65, "counter inc.", MprValueType.Flag, 0x80),
            new(4, "time/s", MprValueType.Float64),
            new(5, "control/V/mA", MprValueType.Float32),
            new(6, "Ewe/V", MprValueType.Float32),
            new(7, "dq/mA.h", MprValueType.Float64),
            new(8, "I/mA", MprValueType.Float32),
            new(9, "Ece/V", MprValueType.Float32),
            new(11, "<I>/mA", MprValueType.Float64),
            new(13, "(Q-Qo)/mA.h", MprValueType.Float64),
            new(16, "Analog IN 1/V", MprValueType.Float32),
            new(17, "Analog IN 2/V", MprValueType.Float32),
            new(19, "control/V", MprValueType.Float32),
            new(20, "control/mA", MprValueType.Float32),
            new(23, "dQ/mA.h", MprValueType.Float64),
            new(24, "cycle number", MprValueType.Float64),
            new(26, "Rapp/Ohm", MprValueType.Float32),
            new(27, "Ewe-Ece/V", MprValueType.Float32),
            new(32, "freq/Hz", MprValueType.Float32),
            new(33, "|Ewe|/V", MprValueType.Float32),
            new(34, "|I|/A", MprValueType.Float32),
            new(35, "Phase(Z)/deg", MprValueType.Float32),
            new(36, "|Z|/Ohm", MprValueType.Float32),
            new(37, "Re(Z)/Ohm", MprValueType.Float32),
            new(38, "-Im(Z)/Ohm", MprValueType.Float32),
            new(39, "I Range", MprValueType.UInt16),
            new(50, "E0/V", MprValueType.Float32),
            new(69, "R/Ohm", MprValueType.Float32),
            new(70, "P/W", MprValueType.Float32),
            new(73, "rotation rate/rpm", MprValueType.Float32),
            new(74, "|Energy|/W.h", MprValueType.Float64),
            new(75, "Analog OUT/V", MprValueType.Float32),
            new(76, "<I>/mA", MprValueType.Float32),
            new(77, "<Ewe>/V", MprValueType.Float32),
            new(78, "Cs-2/µF-2", MprValueType.Float32),
            new(96, "|Ece|/V", MprValueType.Float32),
            new(98, "Phase(Zce)/deg", MprValueType.Float32),
            new(99, "|Zce|/Ohm", MprValueType.Float32),
            new(100, "Re(Zce)/Ohm", MprValueType.Float32),
            new(101, "-Im(Zce)/Ohm", MprValueType.Float32),
            new(123, "Energy charge/W.h", MprValueType.Float64),
            new(124, "Energy discharge/W.h", MprValueType.Float64),
            new(125, "Capacitance charge/µF", MprValueType.Float64),
            new(126, "Capacitance discharge/µF", MprValueType.Float64),
            new(131, "Ns", MprValueType.UInt16),
            new(163, "|Estack|/V", MprValueType.Float32),
            new(168, "Rcmp/Ohm", MprValueType.Float32),
            new(169, "Cs/µF", MprValueType.Float32),
            new(172, "Cp/µF", MprValueType.Float32),
            new(173, "Cp-2/µF-2", MprValueType.Float32),
            new(174, "<Ewe>/V", MprValueType.Float32),
            new(178, "(Q-Qo)/C", MprValueType.Float32),
            new(179, "dQ/C", MprValueType.Float32),
            new(182, "step time/s", MprValueType.Float64),
            new(211, "Q charge/discharge/mA.h", MprValueType.Float64),
            new(212, "half cycle", MprValueType.UInt32),
            new(213, "z cycle", MprValueType.UInt32),
            new(434, "(Q-Qo)/C", MprValueType.Float32),
            new(435, "dQ/C", MprValueType.Float32),
            new(438, "step time/s", MprValueType.Float64),
            new(441, "<Ecv>/V", MprValueType.Float32),
            new(462, "Temperature/°C", MprValueType.Float32),
            new(467, "Q charge/discharge/mA.h", MprValueType.Float64),
            new(468, "half cycle", MprValueType.UInt32),
            new(469, "z cycle", MprValueType.UInt32),
            new(471, "<Ece>/V", MprValueType.Float32),
            new(505, "Rdc/Ohm", MprValueType.Float32),
            new(509, "Acir/Dcir Control", MprValueType.UInt8),
        };
        return columns.ToDictionary(c => c.Id);
    }
}
