namespace Twin.Epics.ChannelAccess.Codec;

/// <summary>
/// The DBR data types of Channel Access (EPICS base <c>db_access.h</c>, which the protocol specification's "Data types"
/// section refers to): seven base types, each in five classes — plain value, STS (+ alarm status and severity), TIME
/// (+ time stamp), GR (+ units, precision, display and alarm limits) and CTRL (+ control limits) — numbered
/// class·7 + base, 0–34.
/// </summary>
public enum DbrType : ushort
{
    /// <summary>DBR_STRING: 40-byte null-terminated text.</summary>
    String = 0,
    /// <summary>DBR_SHORT (DBR_INT): 16-bit signed integer.</summary>
    Short = 1,
    /// <summary>DBR_FLOAT: 32-bit IEEE float.</summary>
    Float = 2,
    /// <summary>DBR_ENUM: 16-bit unsigned state index.</summary>
    Enum = 3,
    /// <summary>DBR_CHAR: 8-bit unsigned integer.</summary>
    Char = 4,
    /// <summary>DBR_LONG: 32-bit signed integer.</summary>
    Long = 5,
    /// <summary>DBR_DOUBLE: 64-bit IEEE float.</summary>
    Double = 6,
    /// <summary>DBR_CTRL_DOUBLE, the last of the value types.</summary>
    CtrlDouble = 34,
}

/// <summary>The class of a DBR type (what comes before the value).</summary>
public enum DbrClass
{
    /// <summary>The value alone.</summary>
    Plain = 0,
    /// <summary>Alarm status and severity, then the value.</summary>
    Status = 1,
    /// <summary>Alarm, time stamp, value.</summary>
    Time = 2,
    /// <summary>Alarm, units/precision, display and alarm limits, value (graphics).</summary>
    Graphic = 3,
    /// <summary>As <see cref="Graphic"/> plus the control limits.</summary>
    Control = 4,
}

/// <summary>Splits DBR type numbers into class and base type.</summary>
public static class DbrTypes
{
    /// <summary>True for a value type (0–34).</summary>
    /// <param name="type">Type number from a header.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValid(ushort type) => type <= (ushort)DbrType.CtrlDouble;

    /// <summary>The base type (DBR_STRING … DBR_DOUBLE) of a value type.</summary>
    /// <param name="type">A valid type number.</param>
    /// <returns>The base type.</returns>
    public static DbrType BaseOf(ushort type) => (DbrType)(type % 7);

    /// <summary>The class of a value type.</summary>
    /// <param name="type">A valid type number.</param>
    /// <returns>The class.</returns>
    public static DbrClass ClassOf(ushort type) => (DbrClass)(type / 7);

    /// <summary>The type number of a class and base type.</summary>
    /// <param name="cls">Class.</param>
    /// <param name="baseType">Base type.</param>
    /// <returns>The number.</returns>
    public static ushort Of(DbrClass cls, DbrType baseType) => (ushort)((int)cls * 7 + (int)baseType);

    /// <summary>Bytes of one element of a base type on the wire.</summary>
    /// <param name="baseType">Base type.</param>
    /// <returns>Bytes.</returns>
    public static int ElementSize(DbrType baseType) => baseType switch
    {
        DbrType.String => 40,
        DbrType.Short or DbrType.Enum => 2,
        DbrType.Float or DbrType.Long => 4,
        DbrType.Char => 1,
        DbrType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(baseType), baseType, "not a base DBR type"),
    };
}
