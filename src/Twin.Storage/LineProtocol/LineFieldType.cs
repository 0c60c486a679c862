namespace Twin.Storage.LineProtocol;

/// <summary>Data type of a line-protocol field value (line protocol reference, "Data types").</summary>
public enum LineFieldType
{
    /// <summary>IEEE-754 64-bit float, written without suffix (e.g. <c>3.71</c>); NaN and ±Infinity are not allowed.</summary>
    Float = 0,

    /// <summary>Signed 64-bit integer, written with the suffix <c>i</c> (e.g. <c>123i</c>).</summary>
    Integer = 1,

    /// <summary>
    /// Unsigned 64-bit integer, written with the suffix <c>u</c> (e.g. <c>123u</c>). Only InfluxDB 2.x and later
    /// accept it (1.x answers 400 "invalid number"), so encoding it must be enabled with
    /// <see cref="LineProtocolOptions.AllowUnsigned"/>.
    /// </summary>
    UnsignedInteger = 2,

    /// <summary>UTF-8 string, written in double quotes with <c>"</c> and <c>\</c> escaped by a backslash.</summary>
    String = 3,

    /// <summary>Boolean, written as <c>true</c> or <c>false</c>.</summary>
    Boolean = 4,
}
