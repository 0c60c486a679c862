namespace Twin.FirmwareSim.Firmata;

/// <summary>
/// The pins of an Arduino Uno (ATmega328P) as StandardFirmata describes them: 20 pins, 0–1 taken by the serial port
/// (no Firmata modes), 2–19 digital input/output/pull-up, PWM on 3, 5, 6, 9, 10, 11 (8 bits), and analog inputs
/// A0–A5 on pins 14–19 (10 bits). Sources: Arduino Uno Rev3 data sheet (pinout: PWM pins marked "~", A0–A5) and the
/// capability/analog-mapping messages of firmata/protocol, protocol.md. Servo and I²C modes are not offered
/// (modelling assumption: the I/O box uses none of them).
/// </summary>
public static class UnoPinout
{
    /// <summary>Number of pins.</summary>
    public const int PinCount = 20;

    /// <summary>Pin number of analog channel A0.</summary>
    public const int FirstAnalogPin = 14;

    /// <summary>Number of analog channels (A0–A5).</summary>
    public const int AnalogChannels = 6;

    private static readonly int[] PwmPins = [3, 5, 6, 9, 10, 11];

    /// <summary>Whether a pin exists and is usable by Firmata (2–19).</summary>
    /// <param name="pin">Pin number.</param>
    /// <returns>True for pins 2–19.</returns>
    public static bool IsUsable(int pin) => pin is >= 2 and < PinCount;

    /// <summary>Analog channel of a pin, or -1.</summary>
    /// <param name="pin">Pin number.</param>
    /// <returns>0–5 for pins 14–19, else -1.</returns>
    public static int AnalogChannel(int pin) => pin is >= FirstAnalogPin and < FirstAnalogPin + AnalogChannels ? pin - FirstAnalogPin : -1;

    /// <summary>The modes a pin supports with their resolutions (bits), in capability-response order.</summary>
    /// <param name="pin">Pin number.</param>
    /// <returns>(mode, resolution) pairs; empty for unusable pins.</returns>
    public static IReadOnlyList<(FirmataPinMode Mode, int Resolution)> Modes(int pin)
    {
        if (!IsUsable(pin)) return [];
        var modes = new List<(FirmataPinMode, int)> { (FirmataPinMode.Input, 1), (FirmataPinMode.InputPullup, 1), (FirmataPinMode.Output, 1) };
        if (AnalogChannel(pin) >= 0) modes.Add((FirmataPinMode.Analog, Tmp36Sensor.AdcBits));
        if (PwmPins.Contains(pin)) modes.Add((FirmataPinMode.Pwm, 8));
        return modes;
    }

    /// <summary>Whether <paramref name="pin"/> supports <paramref name="mode"/>.</summary>
    /// <param name="pin">Pin number.</param>
    /// <param name="mode">Mode.</param>
    /// <returns>True when listed by <see cref="Modes"/>.</returns>
    public static bool Supports(int pin, FirmataPinMode mode) => Modes(pin).Any(m => m.Mode == mode);

    /// <summary>The capability response payload (after the feature id).</summary>
    /// <returns>Bytes.</returns>
    public static byte[] CapabilityPayload()
    {
        var bytes = new List<byte>();
        for (int pin = 0; pin < PinCount; pin++)
        {
            foreach (var (mode, resolution) in Modes(pin))
            {
                bytes.Add((byte)mode);
                bytes.Add((byte)resolution);
            }
            bytes.Add(FirmataCommand.NoneMarker);
        }
        return [.. bytes];
    }

    /// <summary>The analog mapping response payload (after the feature id): each pin's channel or 127.</summary>
    /// <returns>Bytes.</returns>
    public static byte[] AnalogMappingPayload()
    {
        var bytes = new byte[PinCount];
        for (int pin = 0; pin < PinCount; pin++)
            bytes[pin] = AnalogChannel(pin) is var ch and >= 0 ? (byte)ch : FirmataCommand.NoneMarker;
        return bytes;
    }
}
