namespace Twin.FirmwareSim.Firmata;

/// <summary>
/// Builds Firmata messages as bytes (firmata/protocol, protocol.md: "Data Message Expansion", "Control Messages
/// Expansion", "Sysex Message Format"). Values wider than 7 bits are split LSB first into 7-bit data bytes.
/// </summary>
public static class FirmataEncoder
{
    /// <summary>Protocol version report (board) — or, with <paramref name="request"/>, the host's request.</summary>
    /// <param name="major">Major version (0–127).</param>
    /// <param name="minor">Minor version (0–127).</param>
    /// <param name="request">True for the host's data-less request.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] Version(int major = 0, int minor = 0, bool request = false) =>
        request ? [FirmataCommand.ReportVersion] : [FirmataCommand.ReportVersion, Data7(major, nameof(major)), Data7(minor, nameof(minor))];

    /// <summary>Firmware name and version report (SysEx 0x79): major, minor, then each character as LSB/MSB 7-bit pair.</summary>
    /// <param name="major">Firmware major version.</param>
    /// <param name="minor">Firmware minor version.</param>
    /// <param name="name">Firmware name, e.g. "StandardFirmata.ino".</param>
    /// <returns>The message bytes.</returns>
    public static byte[] Firmware(int major, int minor, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var payload = new List<byte> { Data7(major, nameof(major)), Data7(minor, nameof(minor)) };
        foreach (char c in name) AddValue14(payload, c);
        return Sysex(FirmataCommand.ReportFirmware, payload);
    }

    /// <summary>Analog I/O message: channel 0–15, 14-bit value.</summary>
    /// <param name="channel">Analog channel (0–15).</param>
    /// <param name="value">Value 0–16383.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] Analog(int channel, int value)
    {
        if (channel is < 0 or > 15) throw new ArgumentOutOfRangeException(nameof(channel), channel, "analog channel must be 0–15");
        if (value is < 0 or > 0x3FFF) throw new ArgumentOutOfRangeException(nameof(value), value, "analog value must be 0–16383");
        return [(byte)(FirmataCommand.AnalogMessage | channel), (byte)(value & 0x7F), (byte)(value >> 7)];
    }

    /// <summary>Digital I/O message for one 8-pin port.</summary>
    /// <param name="port">Port 0–15 (pins 8·port … 8·port+7).</param>
    /// <param name="mask">Pin levels, bit i = pin 8·port+i.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] Digital(int port, int mask)
    {
        if (port is < 0 or > 15) throw new ArgumentOutOfRangeException(nameof(port), port, "port must be 0–15");
        return [(byte)(FirmataCommand.DigitalMessage | port), (byte)(mask & 0x7F), (byte)((mask >> 7) & 0x01)];
    }

    /// <summary>Set pin mode (host).</summary>
    /// <param name="pin">Pin 0–127.</param>
    /// <param name="mode">Mode.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] SetPinMode(int pin, FirmataPinMode mode) => [FirmataCommand.SetPinMode, Data7(pin, nameof(pin)), (byte)mode];

    /// <summary>Set digital pin value (host, protocol 2.5+).</summary>
    /// <param name="pin">Pin 0–127.</param>
    /// <param name="high">Level.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] SetDigitalPinValue(int pin, bool high) => [FirmataCommand.SetDigitalPinValue, Data7(pin, nameof(pin)), (byte)(high ? 1 : 0)];

    /// <summary>Toggle analog reporting of a channel (host).</summary>
    /// <param name="channel">Analog channel 0–15.</param>
    /// <param name="enable">On or off.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] ReportAnalog(int channel, bool enable)
    {
        if (channel is < 0 or > 15) throw new ArgumentOutOfRangeException(nameof(channel), channel, "analog channel must be 0–15");
        return [(byte)(FirmataCommand.ReportAnalog | channel), (byte)(enable ? 1 : 0)];
    }

    /// <summary>Pin state response (SysEx 0x6E): pin, mode, state in as many 7-bit groups as needed (at least one).</summary>
    /// <param name="pin">Pin.</param>
    /// <param name="mode">Current mode.</param>
    /// <param name="state">Pin state (≥ 0).</param>
    /// <returns>The message bytes.</returns>
    public static byte[] PinState(int pin, FirmataPinMode mode, int state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(state);
        var payload = new List<byte> { Data7(pin, nameof(pin)), (byte)mode };
        do
        {
            payload.Add((byte)(state & 0x7F));
            state >>= 7;
        }
        while (state > 0);
        return Sysex(FirmataCommand.PinStateResponse, payload);
    }

    /// <summary>A SysEx message: 0xF0, feature id, payload (each byte 0–127), 0xF7.</summary>
    /// <param name="id">Feature id (0–127).</param>
    /// <param name="payload">Payload bytes.</param>
    /// <returns>The message bytes.</returns>
    /// <exception cref="ArgumentException">A payload byte has the high bit set.</exception>
    public static byte[] Sysex(byte id, IEnumerable<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var bytes = new List<byte> { FirmataCommand.StartSysex, Data7(id, nameof(id)) };
        foreach (byte b in payload)
        {
            if (b > 0x7F) throw new ArgumentException($"SysEx payload byte 0x{b:X2} has the high bit set; expected 0x00–0x7F", nameof(payload));
            bytes.Add(b);
        }
        bytes.Add(FirmataCommand.EndSysex);
        return [.. bytes];
    }

    /// <summary>Appends a value as two 7-bit bytes, LSB first.</summary>
    /// <param name="to">Target.</param>
    /// <param name="value">Value 0–16383.</param>
    public static void AddValue14(List<byte> to, int value)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (value is < 0 or > 0x3FFF) throw new ArgumentOutOfRangeException(nameof(value), value, "value must be 0–16383");
        to.Add((byte)(value & 0x7F));
        to.Add((byte)(value >> 7));
    }

    private static byte Data7(int value, string name) =>
        value is >= 0 and <= 0x7F ? (byte)value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a 7-bit data value 0–127");
}
