namespace Twin.FirmwareSim.Firmata;

/// <summary>
/// One decoded Firmata message. For channel messages (0x80–0xEF) <see cref="Command"/> is the high nibble and
/// <see cref="Channel"/> the low one (pin, port or analog channel); for system messages (0xF0–0xFF) <see cref="Command"/>
/// is the whole byte and <see cref="Channel"/> is 0. <see cref="Data"/> holds the data bytes: for a SysEx message
/// (<see cref="FirmataCommand.StartSysex"/>) the feature id first, then the payload, without the framing bytes.
/// </summary>
/// <param name="Command">Command byte (high nibble for channel messages).</param>
/// <param name="Channel">Low nibble of a channel message, else 0.</param>
/// <param name="Data">Data bytes, each 0–127.</param>
public sealed record FirmataMessage(byte Command, byte Channel, byte[] Data)
{
    /// <summary>Whether this is a SysEx message.</summary>
    public bool IsSysex => Command == FirmataCommand.StartSysex;

    /// <summary>SysEx feature id (first data byte), or -1 for other messages or an empty SysEx.</summary>
    public int SysexId => IsSysex && Data.Length > 0 ? Data[0] : -1;

    /// <summary>Two 7-bit data bytes at <paramref name="index"/> as a 14-bit value (LSB first).</summary>
    /// <param name="index">Index of the LSB in <see cref="Data"/>.</param>
    /// <returns>The value 0–16383.</returns>
    public int Value14(int index) => Data[index] | (Data[index + 1] << 7);

    /// <inheritdoc />
    public override string ToString() =>
        $"{(IsSysex ? $"sysex 0x{SysexId:X2}" : $"0x{Command | Channel:X2}")} [{string.Join(' ', Data.Select(b => b.ToString("X2")))}]";
}
