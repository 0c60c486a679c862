namespace Twin.Data.Readers.Formats;

/// <summary>How a format writes the unit inside a column header.</summary>
internal enum HeaderStyle
{
    /// <summary><c>Current(mA)</c>, <c>Temperature (C)</c>, or no unit at all (Maccor, Neware, Arbin).</summary>
    Parenthesized,

    /// <summary><c>Current / A</c>: name, space, slash, space, unit (Battery Data Format).</summary>
    SpacedSlash,

    /// <summary><c>I/mA</c>, <c>(Q-Qo)/mA.h</c>: unit after the last slash (EC-Lab).</summary>
    Slash,
}
