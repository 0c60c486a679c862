namespace Twin.Drivers.Triggers;

/// <summary>Which modem-control output of a serial port carries the trigger pulse.</summary>
public enum ModemLine
{
    /// <summary>Data Terminal Ready.</summary>
    Dtr,
    /// <summary>Request To Send.</summary>
    Rts,
}

/// <summary>
/// Polarity of the pulse in terms of the modem-control state. Note the electrical inversion of most adapters:
/// on RS-232 levels an asserted line is the positive voltage, while the TTL-level outputs of FTDI-style USB-serial
/// cables are active-low (pins labelled DTR#/RTS#), so an asserted line drives the pin low.
/// </summary>
public enum TtlPolarity
{
    /// <summary>Idle deasserted; the pulse asserts the line (a low pulse on an active-low TTL pin).</summary>
    AssertDuringPulse,
    /// <summary>Idle asserted; the pulse deasserts the line (a high pulse on an active-low TTL pin).</summary>
    DeassertDuringPulse,
}

/// <summary>Settings of <see cref="TtlPulseTrigger"/>. The fixed metadata is used when no watched folder is paired.</summary>
public sealed record TtlPulseOptions : PulseTriggerOptions
{
    /// <summary>The output carrying the pulse. Default <see cref="ModemLine.Dtr"/>.</summary>
    public ModemLine Line { get; init; } = ModemLine.Dtr;

    /// <summary>Pulse polarity. Default <see cref="TtlPolarity.AssertDuringPulse"/>.</summary>
    public TtlPolarity Polarity { get; init; } = TtlPolarity.AssertDuringPulse;
}
