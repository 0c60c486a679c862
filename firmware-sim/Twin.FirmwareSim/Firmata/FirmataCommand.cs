namespace Twin.FirmwareSim.Firmata;

/// <summary>
/// Command and SysEx feature bytes of the Firmata protocol 2.x (firmata/protocol, protocol.md, "Message Types" and
/// "Sysex Message Format"). Command bytes have the high bit set; data bytes carry 7 bits.
/// </summary>
public static class FirmataCommand
{
    /// <summary>Analog I/O message, channel in the low nibble (MIDI pitch wheel): LSB (bits 0–6), MSB (bits 7–13).</summary>
    public const byte AnalogMessage = 0xE0;

    /// <summary>Digital I/O message, port in the low nibble (MIDI note on): pins 8·port … 8·port+6, then pin 8·port+7.</summary>
    public const byte DigitalMessage = 0x90;

    /// <summary>Toggle analog-in reporting, channel in the low nibble (MIDI program change): disable(0)/enable(non-zero).</summary>
    public const byte ReportAnalog = 0xC0;

    /// <summary>Toggle digital-port reporting, port in the low nibble (MIDI aftertouch): disable(0)/enable(non-zero).</summary>
    public const byte ReportDigital = 0xD0;

    /// <summary>Start of a SysEx message.</summary>
    public const byte StartSysex = 0xF0;

    /// <summary>Set pin mode: pin, mode.</summary>
    public const byte SetPinMode = 0xF4;

    /// <summary>Set digital pin value (protocol 2.5+): pin, value 0/1.</summary>
    public const byte SetDigitalPinValue = 0xF5;

    /// <summary>End of a SysEx message.</summary>
    public const byte EndSysex = 0xF7;

    /// <summary>Protocol version request (no data) and report (major, minor).</summary>
    public const byte ReportVersion = 0xF9;

    /// <summary>System reset (MIDI system reset).</summary>
    public const byte SystemReset = 0xFF;

    /// <summary>SysEx: analog mapping query.</summary>
    public const byte AnalogMappingQuery = 0x69;

    /// <summary>SysEx: analog mapping response (one byte per pin: channel or 127).</summary>
    public const byte AnalogMappingResponse = 0x6A;

    /// <summary>SysEx: capability query.</summary>
    public const byte CapabilityQuery = 0x6B;

    /// <summary>SysEx: capability response ((mode, resolution) pairs per pin, each pin ended by 0x7F).</summary>
    public const byte CapabilityResponse = 0x6C;

    /// <summary>SysEx: pin state query (pin).</summary>
    public const byte PinStateQuery = 0x6D;

    /// <summary>SysEx: pin state response (pin, mode, state in 7-bit groups).</summary>
    public const byte PinStateResponse = 0x6E;

    /// <summary>SysEx: string data (14 bits per character).</summary>
    public const byte StringData = 0x71;

    /// <summary>SysEx: report firmware (query: empty; report: major, minor, name in 7-bit LSB/MSB pairs).</summary>
    public const byte ReportFirmware = 0x79;

    /// <summary>SysEx: sampling interval, ms as LSB, MSB (default 19 ms on the Arduino implementation).</summary>
    public const byte SamplingInterval = 0x7A;

    /// <summary>Separator ending one pin's list in the capability response; "no analog channel" in the mapping response.</summary>
    public const byte NoneMarker = 0x7F;
}

/// <summary>Pin modes of Firmata 2.x (protocol.md, "Capability Query", supported modes).</summary>
public enum FirmataPinMode : byte
{
    /// <summary>Digital input.</summary>
    Input = 0x00,
    /// <summary>Digital output.</summary>
    Output = 0x01,
    /// <summary>Analog input.</summary>
    Analog = 0x02,
    /// <summary>PWM output.</summary>
    Pwm = 0x03,
    /// <summary>Servo output.</summary>
    Servo = 0x04,
    /// <summary>I²C.</summary>
    I2c = 0x06,
    /// <summary>Digital input with the internal pull-up.</summary>
    InputPullup = 0x0B,
}
